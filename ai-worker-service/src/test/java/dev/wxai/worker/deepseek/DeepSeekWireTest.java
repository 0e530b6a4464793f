package dev.wxai.worker.deepseek;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wxai.worker.config.DeepSeekProperties;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import io.micrometer.observation.transport.SenderContext;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The model call on the wire, against a local HTTP server that answers as DeepSeek does (shared/vectors/
 * wire-samples.md): the request DeepSeek reads, the answer, its errors with Retry-After, a server that never answers,
 * and the span, trace header and timer the call carries.
 */
class DeepSeekWireTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String COMPLETION = """
            {"id":"930c60df","object":"chat.completion","created":1732867202,"model":"deepseek-chat",
             "choices":[{"index":0,"message":{"role":"assistant","content":"你好！有什么可以帮你？"},"logprobs":null,"finish_reason":"stop"}],
             "usage":{"prompt_tokens":16,"completion_tokens":10,"total_tokens":26}}""";

    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Queue<Answer> answers = new ConcurrentLinkedQueue<>();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final ObservationRegistry observations = ObservationRegistry.create();
    private DisposableServer deepSeek;

    @BeforeEach
    void start() {
        observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
        // Stands in for the tracing handler: a sender's observation writes its trace header into the carrier.
        observations.observationConfig().observationHandler(new ObservationHandler<SenderContext<Object>>() {
            @Override
            public void onStart(SenderContext<Object> context) {
                context.getSetter().set(context.getCarrier(), "traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
            }

            @Override
            public boolean supportsContext(Observation.Context context) {
                return context instanceof SenderContext;
            }
        });
        deepSeek = HttpServer.create().host("127.0.0.1").port(0)
                .handle((request, response) -> request.receive().aggregate().asString(StandardCharsets.UTF_8)
                        .defaultIfEmpty("")
                        .flatMap(body -> {
                            received.add(new Received(request.uri(), request.requestHeaders().get("Authorization"),
                                    request.requestHeaders().get("Content-Type"), request.requestHeaders().get("traceparent"),
                                    body));
                            Answer answer = answers.isEmpty() ? new Answer(200, null, COMPLETION, false) : answers.poll();
                            if (answer.never()) {
                                return Mono.never();
                            }
                            response.status(answer.status()).header("Content-Type", "application/json");
                            if (answer.retryAfter() != null) {
                                response.header("Retry-After", answer.retryAfter());
                            }
                            return response.sendString(Mono.just(answer.body())).then();
                        }))
                .bindNow();
    }

    @AfterEach
    void stop() {
        deepSeek.disposeNow(Duration.ofSeconds(5));
    }

    private DeepSeekClient client(String baseUrl, Duration timeout) {
        DeepSeekProperties properties = new DeepSeekProperties("sk-test", baseUrl, "deepseek-chat", timeout,
                Duration.ofSeconds(1), 512, 8, "你是课程助手。", new DeepSeekProperties.Fallback("", "", ""));
        HttpClient http = HttpClient.create().responseTimeout(timeout);
        return new DeepSeekClient(http, baseUrl, "sk-test", "deepseek-chat", properties, observations);
    }

    private DeepSeekClient client() {
        return client("http://127.0.0.1:" + deepSeek.port(), Duration.ofSeconds(5));
    }

    @Test
    void theRequestIsDeepSeeksChatCompletionAndTheAnswerItsContent() {
        String answer = client().answer("o-user-1", List.of(new ChatTurn("user", "上一个问题"), new ChatTurn("assistant", "上一个回答")),
                "什么是大模型？").block(Duration.ofSeconds(10));

        assertThat(answer).isEqualTo("你好！有什么可以帮你？");
        Received call = received.get(0);
        assertThat(call.uri()).isEqualTo("/chat/completions");
        assertThat(call.authorization()).isEqualTo("Bearer sk-test");
        assertThat(call.contentType()).isEqualTo("application/json");
        JsonNode body = JSON.readTree(call.body());
        assertThat(body.path("model").asString()).isEqualTo("deepseek-chat");
        assertThat(body.path("stream").asBoolean(true)).isFalse();
        assertThat(body.path("max_tokens").asInt()).isEqualTo(512);
        assertThat(body.path("user").asString()).isEqualTo(DeepSeekClient.pseudonym("o-user-1")).doesNotContain("o-user-1");
        assertThat(body.path("messages").valueStream().map(turn -> turn.path("role").asString() + ":" + turn.path("content").asString()))
                .containsExactly("system:你是课程助手。", "user:上一个问题", "assistant:上一个回答", "user:什么是大模型？");
    }

    @Test
    void theCallIsAChildSpanWhoseTraceHeaderGoesWithTheRequestAndItIsTimedAsWebClientTimedIt() {
        Observation record = Observation.start("spring.kafka.listener", observations);

        client().answer("o-user-2", List.of(), "你好").contextWrite(context -> context.put(ObservationThreadLocalAccessor.KEY, record))
                .block(Duration.ofSeconds(10));
        record.stop();

        assertThat(received.get(0).traceparent()).isEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        Timer timer = meters.get("http.client.requests").tags("method", "POST", "uri", "/chat/completions", "status", "200",
                "outcome", "SUCCESS", "client.name", "127.0.0.1", "exception", "none", "error", "none").timer();
        assertThat(timer.count()).isEqualTo(1);
    }

    @Test
    void anErrorKeepsDeepSeeksMessageAndIsHeldBackForItsRetryAfter() {
        answers.add(new Answer(429, "1", "{\"error\":{\"message\":\"Rate limit reached for requests\",\"type\":\"rate_limit_error\"}}", false));
        long started = System.nanoTime();

        assertThatThrownBy(() -> client().answer("o-user-3", List.of(), "你好").block(Duration.ofSeconds(10)))
                .isInstanceOfSatisfying(DeepSeekException.class, error -> {
                    assertThat(error.status()).isEqualTo(429);
                    assertThat(error.getMessage()).contains("Rate limit reached for requests");
                    assertThat(DeepSeekFailures.retryable(error)).isTrue();
                });
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(meters.get("http.client.requests").tags("status", "429", "outcome", "CLIENT_ERROR").timer().count()).isEqualTo(1);
    }

    @Test
    void aRetryAfterLongerThanTheTimeOutIsStillDeepSeeksAnswerNotATimeOut() {
        answers.add(new Answer(429, "2", "{\"error\":{\"message\":\"Rate limit reached for requests\",\"type\":\"rate_limit_error\"}}", false));
        long started = System.nanoTime();

        StepVerifier.create(client("http://127.0.0.1:" + deepSeek.port(), Duration.ofSeconds(1)).answer("o-user-6", List.of(), "你好"))
                .expectErrorSatisfies(error -> {
                    assertThat(error).isInstanceOf(DeepSeekException.class);
                    assertThat(ResilientDeepSeek.outcome(error)).isEqualTo("rate_limited");
                })
                .verify(Duration.ofSeconds(10));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void aServerThatNeverAnswersIsATimeOutWorthAnotherTry() {
        answers.add(new Answer(200, null, "", true));

        StepVerifier.create(client("http://127.0.0.1:" + deepSeek.port(), Duration.ofMillis(500))
                        .answer("o-user-4", List.of(), "你好"))
                .expectErrorSatisfies(error -> {
                    assertThat(DeepSeekFailures.isTimeout(error)).as("%s is a time-out", error).isTrue();
                    assertThat(DeepSeekFailures.retryable(error)).isTrue();
                    assertThat(ResilientDeepSeek.outcome(error)).isEqualTo("timeout");
                })
                .verify(Duration.ofSeconds(10));
        assertThat(meters.get("http.client.requests").tags("status", "CLIENT_ERROR", "outcome", "UNKNOWN").timer().count())
                .isEqualTo(1);
    }

    @Test
    void aRefusedConnectionIsWorthAnotherTry() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }

        StepVerifier.create(client("http://127.0.0.1:" + closedPort, Duration.ofSeconds(2)).answer("o-user-5", List.of(), "你好"))
                .expectErrorSatisfies(error -> assertThat(DeepSeekFailures.retryable(error)).as("%s is retryable", error).isTrue())
                .verify(Duration.ofSeconds(10));
    }

    private record Received(String uri, String authorization, String contentType, String traceparent, String body) {
    }

    private record Answer(int status, String retryAfter, String body, boolean never) {
    }
}
