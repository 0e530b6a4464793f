package dev.wxai.worker.deepseek;

import java.util.Optional;

/** The second OpenAI-compatible provider ({@code wxai.deepseek.fallback.*}), when one is configured. */
public record FallbackModel(Optional<DeepSeekClient> client) {

    public static final FallbackModel NONE = new FallbackModel(Optional.empty());
}
