package dev.wxai.worker.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wxai.common.redis.AccessTokenFetcher.FetchedToken;
import dev.wxai.common.redis.AccessTokenStore;
import dev.wxai.common.wechat.api.WechatApiException;
import dev.wxai.testsupport.TestRedis;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The customer-service calls on the wire, against a local HTTP server that answers as WeChat's API does (always 200,
 * the outcome in {@code errcode}; see shared/vectors/wire-samples.md) or, for one test, as a proxy in front of it
 * does. The access token comes from the real shared store in Redis, fetched from a stand-in for WeChat's token API.
 */
class CustomerServiceSenderIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Queue<Answer> answers = new ConcurrentLinkedQueue<>();
    private final AtomicInteger fetches = new AtomicInteger();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private DisposableServer wechat;
    private CustomerServiceSender sender;

    @BeforeEach
    void start() {
        wechat = HttpServer.create().host("127.0.0.1").port(0)
                .handle((request, response) -> request.receive().aggregate().asString(StandardCharsets.UTF_8)
                        .defaultIfEmpty("")
                        .flatMap(body -> {
                            received.add(new Received(request.method().name(), request.uri(),
                                    request.requestHeaders().get("Content-Type"),
                                    request.requestHeaders().get("Content-Length"),
                                    request.requestHeaders().get("Transfer-Encoding"), body));
                            Answer answer = answers.isEmpty() ? new Answer(200, "{\"errcode\":0,\"errmsg\":\"ok\"}") : answers.poll();
                            return response.status(answer.status()).header("Content-Type", "application/json; encoding=utf-8")
                                    .sendString(Mono.just(answer.body())).then();
                        }))
                .bindNow();
        // The real shared store, under an appid of this test's own, so that no other test's token is ever used.
        AccessTokenStore tokens = new AccessTokenStore(TestRedis.template(), "wx-sender-" + UUID.randomUUID(),
                () -> Mono.fromSupplier(() -> new FetchedToken("token-" + fetches.incrementAndGet(), Duration.ofHours(2))),
                AccessTokenStore.Settings.defaults());
        HttpClient http = HttpClient.create().baseUrl("http://127.0.0.1:" + wechat.port())
                .responseTimeout(Duration.ofSeconds(5));
        sender = new CustomerServiceSender(http, tokens, meters, Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        wechat.disposeNow();
    }

    @Test
    void aTextGoesOutAsWechatsJsonWithItsLengthAndTheSharedToken() {
        sender.sendText("o-user-1", "你好，\"世界\"").block(Duration.ofSeconds(10));

        assertThat(received).hasSize(1);
        Received call = received.get(0);
        assertThat(call.method()).isEqualTo("POST");
        QueryStringDecoder uri = new QueryStringDecoder(call.uri());
        assertThat(uri.path()).isEqualTo("/cgi-bin/message/custom/send");
        assertThat(uri.parameters().get("access_token")).containsExactly("token-1");
        assertThat(call.contentType()).isEqualTo("application/json");
        // One buffer with its length, not a chunked stream: WeChat's servers are sent what curl would send.
        assertThat(call.transferEncoding()).isNull();
        assertThat(Integer.parseInt(call.contentLength())).isEqualTo(call.body().getBytes(StandardCharsets.UTF_8).length);
        JsonNode body = JSON.readTree(call.body());
        assertThat(body.path("touser").asString()).isEqualTo("o-user-1");
        assertThat(body.path("msgtype").asString()).isEqualTo("text");
        assertThat(body.path("text").path("content").asString()).isEqualTo("你好，\"世界\"");
        assertThat(meters.counter("wxai.replies", "outcome", "sent", "errcode", "0").count()).isEqualTo(1);
    }

    /** The sender compares WeChat's usual success bytes before parsing; any other spelling of success is parsed. */
    @Test
    void successSpelledOtherwiseIsStillSuccess() {
        answers.add(new Answer(200, "{ \"errmsg\": \"ok\", \"errcode\": 0 }"));

        sender.sendText("o-user-7", "hi").block(Duration.ofSeconds(10));

        assertThat(meters.counter("wxai.replies", "outcome", "sent", "errcode", "0").count()).isEqualTo(1);
    }

    @Test
    void typingIsItsOwnCommand() {
        sender.typing("o-user-2").block(Duration.ofSeconds(10));

        assertThat(received).hasSize(1);
        assertThat(new QueryStringDecoder(received.get(0).uri()).path()).isEqualTo("/cgi-bin/message/custom/typing");
        JsonNode body = JSON.readTree(received.get(0).body());
        assertThat(body.path("touser").asString()).isEqualTo("o-user-2");
        assertThat(body.path("command").asString()).isEqualTo("Typing");
    }

    @Test
    void aRejectedTokenIsDroppedAndTheMessageGoesOnceMoreWithAFreshOne() {
        answers.add(new Answer(200, "{\"errcode\":40001,\"errmsg\":\"invalid credential, access_token is invalid or not latest\"}"));

        sender.sendText("o-user-3", "hi").block(Duration.ofSeconds(10));

        assertThat(received).extracting(call -> new QueryStringDecoder(call.uri()).parameters().get("access_token").get(0))
                .containsExactly("token-1", "token-2");
        assertThat(fetches).hasValue(2);
    }

    @Test
    void busyIsRetriedAndAFinalRefusalComesBackAsWechatsError() {
        answers.add(new Answer(200, "{\"errcode\":-1,\"errmsg\":\"system error\"}"));
        answers.add(new Answer(200, "{\"errcode\":45015,\"errmsg\":\"response out of time limit or subscription is canceled\"}"));

        assertThatThrownBy(() -> sender.sendText("o-user-4", "hi").block(Duration.ofSeconds(10)))
                .isInstanceOfSatisfying(WechatApiException.class, error -> assertThat(error.isFinal()).isTrue());
        assertThat(received).hasSize(2);
        assertThat(meters.counter("wxai.replies", "outcome", "failed", "errcode", "45015").count()).isEqualTo(1);
        assertThat(meters.counter("wxai.replies", "outcome", "sent", "errcode", "0").count()).isZero();
    }

    @Test
    void aStatusOtherThan200IsAFailureWhoseFateIsUnknownNotWechatsRefusal() {
        // A proxy's error page: WeChat's API never answers so, so this is not an errcode the sender could act on.
        answers.add(new Answer(502, "<html><body>502 Bad Gateway</body></html>"));

        assertThatThrownBy(() -> sender.sendText("o-user-5", "hi").block(Duration.ofSeconds(10)))
                .isInstanceOf(CustomerServiceSender.UnexpectedStatus.class)
                .isNotInstanceOf(WechatApiException.class)
                .hasMessageContaining("custom/send answered HTTP 502");
        assertThat(received).hasSize(1);
    }

    @Test
    void anAnswerThatIsNotJsonIsARefusalNotASuccess() {
        answers.add(new Answer(200, "<html>maintenance</html>"));

        assertThatThrownBy(() -> sender.sendText("o-user-6", "hi").block(Duration.ofSeconds(10)))
                .isInstanceOfSatisfying(WechatApiException.class, error -> assertThat(error.errcode()).isEqualTo(-2));
    }

    private record Received(String method, String uri, String contentType, String contentLength,
                            String transferEncoding, String body) {
    }

    private record Answer(int status, String body) {
    }
}
