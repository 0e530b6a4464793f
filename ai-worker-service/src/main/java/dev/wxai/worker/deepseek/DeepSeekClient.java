package dev.wxai.worker.deepseek;

import dev.wxai.worker.config.DeepSeekProperties;
import io.micrometer.observation.ObservationRegistry;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.json.JsonMapper;

/**
 * DeepSeek's OpenAI-compatible chat completions, non-streaming; the same client talks to the fallback provider, with
 * its own base URL, key and model. https://api-docs.deepseek.com/api/create-chat-completion
 *
 * <p>On Reactor Netty directly rather than WebClient, whose header maps, URI templates and body extractors cost a
 * measurable share of the worker's CPU per reply (bench/RESULTS.md, issue 19); {@link ModelCallObservation} keeps the
 * span, the timer and the trace header WebClient's observation gave the call.
 */
public class DeepSeekClient {

    private static final JsonMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
    /** Built once: WebFlux's JSON encoder resolved the type and built a generator per request. */
    private static final ObjectWriter REQUEST = JSON.writerFor(ChatCompletion.Request.class);
    private static final ObjectReader ANSWER = JSON.readerFor(ChatCompletion.Response.class);
    private static final ObjectReader ERROR = JSON.readerFor(ChatCompletion.ErrorResponse.class);
    private static final byte[] NO_BODY = new byte[0];
    private static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(30);

    private final HttpClient http;
    private final ModelCallObservation observation;
    private final String model;
    private final DeepSeekProperties properties;

    /**
     * @param http    its own connection pool and timeouts (ClientsConfig)
     * @param baseUrl the provider's API base, {@code /chat/completions} is appended
     * @param apiKey  sent as a bearer token; never logged
     */
    public DeepSeekClient(HttpClient http, String baseUrl, String apiKey, String model, DeepSeekProperties properties,
                          ObservationRegistry observations) {
        this.http = http.baseUrl(baseUrl).headers(headers -> headers
                .set("Authorization", "Bearer " + apiKey)
                .set("Content-Type", "application/json")
                .set("Accept", "application/json"));
        this.observation = new ModelCallObservation(observations, baseUrl);
        this.model = model;
        this.properties = properties;
    }

    /** The assistant's answer to the user's latest message, given the earlier turns of the conversation. */
    public Mono<String> answer(String openid, List<ChatTurn> history, String userMessage) {
        List<ChatTurn> messages = new ArrayList<>(history.size() + 2);
        messages.add(new ChatTurn("system", properties.systemPrompt()));
        messages.addAll(history);
        messages.add(new ChatTurn("user", userMessage));
        // DeepSeek uses `user` for abuse tracking; it needs to be stable per user, not the openid itself.
        ChatCompletion.Request request = new ChatCompletion.Request(model, messages, false, properties.maxTokens(),
                pseudonym(openid));
        byte[] body = REQUEST.writeValueAsBytes(request);
        return Mono.deferContextual(context -> {
                    HttpHeaders traceHeaders = new DefaultHttpHeaders();
                    ModelCallObservation.Call call = observation.start(context, traceHeaders);
                    return http.post()
                            .uri(ModelCallObservation.PATH)
                            .send((sending, outbound) -> {
                                sending.requestHeaders().add(traceHeaders);
                                return outbound.sendByteArray(Mono.just(body));
                            })
                            .responseSingle((response, content) -> content.asByteArray().defaultIfEmpty(NO_BODY)
                                    .map(bytes -> new Reply(response.status().code(), response.responseHeaders().get("Retry-After"), bytes)))
                            .doOnNext(reply -> call.answered(reply.status()))
                            .doOnError(call::failed)
                            // Cancelled, or (should the client ever) completed without an answer.
                            .doFinally(signal -> call.unanswered());
                })
                // The time-out bounds the exchange, not the Retry-After hold after it: a hold longer than the time-out
                // must surface as DeepSeek's 429, not as a time-out of our own.
                .timeout(properties.timeout())
                .flatMap(DeepSeekClient::readAnswer);
    }

    private static Mono<String> readAnswer(Reply reply) {
        if (reply.status() < 200 || reply.status() > 299) {
            DeepSeekException error = new DeepSeekException(reply.status(), errorMessage(reply.body()));
            // Honour Retry-After: hold the failure back that long, so that no retry comes sooner.
            Duration retryAfter = retryAfter(reply.retryAfter());
            return retryAfter.isZero() ? Mono.error(error) : Mono.delay(retryAfter).then(Mono.error(error));
        }
        return Mono.fromCallable(() -> content(reply.body()));
    }

    /** Retry-After in seconds (the form API servers send), at most {@link #MAX_RETRY_AFTER}; zero when absent. */
    static Duration retryAfter(String value) {
        if (value == null) {
            return Duration.ZERO;
        }
        try {
            Duration wait = Duration.ofSeconds(Long.parseLong(value.trim()));
            return wait.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : wait.isNegative() ? Duration.ZERO : wait;
        } catch (NumberFormatException httpDate) {
            return Duration.ZERO;
        }
    }

    /**
     * Under load DeepSeek keeps the connection alive by writing blank lines (or SSE-style {@code : keep-alive}
     * comments) before the JSON, so everything before the first {@code {} is skipped. Read from the answer's bytes
     * by a reader built once: no decoded String, no copy of it from the first brace.
     */
    static String content(byte[] body) {
        int start = firstBrace(body);
        if (start < 0) {
            throw new DeepSeekException(200, "answer has no JSON body");
        }
        try {
            ChatCompletion.Response answer = ANSWER.readValue(body, start, body.length - start);
            ChatTurn message = answer.choices() == null || answer.choices().isEmpty() ? null : answer.choices().get(0).message();
            if (message == null || message.content() == null || message.content().isBlank()) {
                throw new DeepSeekException(200, "answer has no message content");
            }
            return message.content();
        } catch (JacksonException e) {
            throw new DeepSeekException(200, "answer is not JSON: " + e.getOriginalMessage());
        }
    }

    /** The first '{' of the answer (ASCII: no UTF-8 multi-byte sequence contains its byte), or -1. */
    private static int firstBrace(byte[] body) {
        for (int i = 0; i < body.length; i++) {
            if (body[i] == '{') {
                return i;
            }
        }
        return -1;
    }

    private static String errorMessage(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        try {
            ChatCompletion.ErrorResponse error = ERROR.readValue(body);
            return error.error() == null || error.error().message() == null ? text : error.error().message();
        } catch (JacksonException e) {
            return text.length() > 200 ? text.substring(0, 200) : text;
        }
    }

    /** What the provider answered: status, Retry-After and the body, read whole (answers are a few KiB). */
    private record Reply(int status, String retryAfter, byte[] body) {
    }

    static String pseudonym(String openid) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(openid.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
