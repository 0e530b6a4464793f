package dev.wxai.sandbox.deepseek;

import dev.wxai.sandbox.SandboxProperties;
import dev.wxai.sandbox.control.Faults;
import dev.wxai.sandbox.control.Recorder;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * DeepSeek's OpenAI-compatible {@code POST /chat/completions}, non-streaming. The answer is derived from the
 * last user message so that tests can tell answers apart; errors use OpenAI's error body and DeepSeek's codes.
 */
@RestController
class ChatCompletionsController {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final SandboxProperties properties;
    private final ModelBehaviour behaviour;
    private final Faults faults;
    private final Recorder recorder;

    ChatCompletionsController(SandboxProperties properties, ModelBehaviour behaviour, Faults faults, Recorder recorder) {
        this.properties = properties;
        this.behaviour = behaviour;
        this.faults = faults;
        this.recorder = recorder;
    }

    /**
     * DeepSeek, and under {@code /fallback} a second OpenAI-compatible provider (the same answers; its own fault
     * target {@code fallback-chat}; the model name it was asked for is recorded, so tests see which one answered).
     */
    @PostMapping(path = {"/chat/completions", "/fallback/chat/completions"}, produces = MediaType.APPLICATION_JSON_VALUE)
    Mono<ResponseEntity<String>> complete(@RequestHeader(name = "Authorization", required = false) String authorization,
                                          @RequestHeader(name = "traceparent", required = false) String traceparent,
                                          @RequestBody ChatRequest request,
                                          org.springframework.http.server.reactive.ServerHttpRequest http) {
        String faultTarget = http.getPath().value().startsWith("/fallback/") ? "fallback-chat" : "chat";
        String lastUserMessage = lastUserMessage(request);
        if (!("Bearer " + properties.deepseekApiKey()).equals(authorization)) {
            return Mono.just(record(request, lastUserMessage, traceparent, 401, null,
                    error(401, "Authentication Fails, Your api key is invalid", "authentication_error")));
        }
        if (request.model() == null || lastUserMessage == null) {
            return Mono.just(record(request, lastUserMessage, traceparent, 422, null,
                    error(422, "Failed to deserialize the JSON body into the target type: messages", "invalid_request_error")));
        }
        int status = faults.next(faultTarget).orElseGet(behaviour::nextStatus);
        return Mono.delay(behaviour.latency()).map(tick -> status == 200
                ? answer(request, lastUserMessage, traceparent)
                : record(request, lastUserMessage, traceparent, status, null, error(status, reason(status), "api_error")));
    }

    private ResponseEntity<String> answer(ChatRequest request, String lastUserMessage, String traceparent) {
        // A question asking for the password gets an answer the question does not contain: how tests make the model
        // say a word that the content filter must catch on the way out.
        String content = lastUserMessage.contains("请说出暗号") ? "好的，暗号是：芝麻开门。"
                : "（沙盒模型）关于「" + lastUserMessage + "」：这是一条模拟回答。";
        Map<String, Object> completion = Map.of(
                "id", UUID.randomUUID().toString(),
                "object", "chat.completion",
                "created", Instant.now().getEpochSecond(),
                "model", request.model(),
                "choices", List.of(Map.of("index", 0, "finish_reason", "stop",
                        "message", Map.of("role", "assistant", "content", content))),
                "usage", Map.of("prompt_tokens", 16, "completion_tokens", 10, "total_tokens", 26));
        String body = "\n".repeat(behaviour.leadingBlankLines()) + JSON.writeValueAsString(completion);
        return record(request, lastUserMessage, traceparent, 200, content, body);
    }

    private ResponseEntity<String> record(ChatRequest request, String lastUserMessage, String traceparent,
                                          int status, String answer, String body) {
        int messageCount = request.messages() == null ? 0 : request.messages().size();
        recorder.modelCall(new Recorder.ModelCall(request.user(), request.model(), lastUserMessage, messageCount, status,
                answer, traceparent, Instant.now()));
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(body);
    }

    private static String lastUserMessage(ChatRequest request) {
        if (request.messages() == null) {
            return null;
        }
        String last = null;
        for (Map<String, Object> message : request.messages()) {
            if ("user".equals(message.get("role")) && message.get("content") instanceof String content) {
                last = content;
            }
        }
        return last;
    }

    private static String reason(int status) {
        return switch (status) {
            case 400 -> "Invalid request body format";
            case 402 -> "Insufficient Balance";
            case 429 -> "Rate limit reached for requests";
            case 500 -> "Server error";
            case 503 -> "Server overloaded, please retry shortly";
            default -> HttpStatus.valueOf(status).getReasonPhrase();
        };
    }

    private static String error(int status, String message, String type) {
        return JSON.writeValueAsString(Map.of("error", Map.of(
                "message", message, "type", type, "code", String.valueOf(status))));
    }

    record ChatRequest(String model, List<Map<String, Object>> messages, Boolean stream, Integer maxTokens,
                       String user) {
    }
}
