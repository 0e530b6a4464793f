package dev.wxai.worker.deepseek;

import dev.wxai.worker.config.DeepSeekProperties;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.json.JsonMapper;

/**
 * DeepSeek's OpenAI-compatible chat completions, non-streaming; the same client talks to the fallback provider, with
 * its own base URL, key and model. https://api-docs.deepseek.com/api/create-chat-completion
 */
public class DeepSeekClient {

    private static final JsonMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
    /** Built once: WebFlux's JSON encoder resolved the type and built a generator per request. */
    private static final ObjectWriter REQUEST = JSON.writerFor(ChatCompletion.Request.class);
    private static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(30);

    private final WebClient webClient;
    private final String model;
    private final DeepSeekProperties properties;

    /** @param webClient carries the provider's base URL and key */
    public DeepSeekClient(WebClient webClient, String model, DeepSeekProperties properties) {
        this.webClient = webClient;
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
        return webClient.post()
                .uri("/chat/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .accept(MediaType.APPLICATION_JSON)
                .bodyValue(REQUEST.writeValueAsBytes(request))
                .exchangeToMono(DeepSeekClient::readAnswer)
                .timeout(properties.timeout());
    }

    private static Mono<String> readAnswer(ClientResponse response) {
        return response.bodyToMono(String.class).defaultIfEmpty("").flatMap(body -> {
            if (!response.statusCode().is2xxSuccessful()) {
                DeepSeekException error = new DeepSeekException(response.statusCode().value(), errorMessage(body));
                // Honour Retry-After: hold the failure back that long, so that no retry comes sooner.
                Duration retryAfter = retryAfter(response);
                return retryAfter.isZero() ? Mono.error(error) : Mono.delay(retryAfter).then(Mono.error(error));
            }
            return Mono.fromCallable(() -> content(body));
        });
    }

    /** Retry-After in seconds (the form API servers send), at most {@link #MAX_RETRY_AFTER}; zero when absent. */
    static Duration retryAfter(ClientResponse response) {
        String value = response.headers().asHttpHeaders().getFirst("Retry-After");
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
     * comments) before the JSON, so everything before the first {@code {} is skipped.
     */
    static String content(String body) {
        int start = body.indexOf('{');
        if (start < 0) {
            throw new DeepSeekException(200, "answer has no JSON body");
        }
        try {
            ChatCompletion.Response answer = JSON.readValue(body.substring(start), ChatCompletion.Response.class);
            ChatTurn message = answer.choices() == null || answer.choices().isEmpty() ? null : answer.choices().get(0).message();
            if (message == null || message.content() == null || message.content().isBlank()) {
                throw new DeepSeekException(200, "answer has no message content");
            }
            return message.content();
        } catch (JacksonException e) {
            throw new DeepSeekException(200, "answer is not JSON: " + e.getOriginalMessage());
        }
    }

    private static String errorMessage(String body) {
        try {
            ChatCompletion.ErrorResponse error = JSON.readValue(body, ChatCompletion.ErrorResponse.class);
            return error.error() == null || error.error().message() == null ? body : error.error().message();
        } catch (JacksonException e) {
            return body.length() > 200 ? body.substring(0, 200) : body;
        }
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
