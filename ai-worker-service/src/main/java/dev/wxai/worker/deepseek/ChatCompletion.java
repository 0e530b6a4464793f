package dev.wxai.worker.deepseek;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The parts of OpenAI-compatible {@code /chat/completions} this worker sends and reads.
 * https://api-docs.deepseek.com/api/create-chat-completion
 */
final class ChatCompletion {

    private ChatCompletion() {
    }

    /** {@code user}: a stable pseudonym of the openid, for the provider's abuse tracking. */
    record Request(String model, List<ChatTurn> messages, boolean stream, @JsonProperty("max_tokens") int maxTokens,
                   String user) {
    }

    record Response(List<Choice> choices) {
    }

    record Choice(ChatTurn message) {
    }

    record ErrorResponse(Error error) {
    }

    record Error(String message) {
    }
}
