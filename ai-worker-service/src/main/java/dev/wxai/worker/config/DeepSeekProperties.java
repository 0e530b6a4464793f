package dev.wxai.worker.config;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * @param apiKey         {@code WXAI_DEEPSEEK_APIKEY}; never logged
 * @param baseUrl        {@code WXAI_DEEPSEEK_BASEURL}: {@code https://api.deepseek.com} in production
 * @param model          model names change; {@code deepseek-chat} when unset
 * @param timeout        one HTTP exchange, from waiting for a connection to the answer's last byte (not the
 *                       Retry-After hold after it); DeepSeek may hold a busy connection open for long
 * @param connectTimeout establishing the TCP/TLS connection
 * @param maxTokens      the answer's length cap ({@code max_tokens})
 * @param maxInFlight    concurrent calls per pod (the resilience4j bulkhead reads it); pods × this must stay under
 *                       the account's concurrency limit
 * @param systemPrompt   who the assistant is
 * @param fallback       a second OpenAI-compatible provider that answers while DeepSeek fails; unused when its base
 *                       URL is empty
 */
@Validated
@ConfigurationProperties("wxai.deepseek")
public record DeepSeekProperties(
        @NotBlank(message = "set WXAI_DEEPSEEK_APIKEY to the DeepSeek API key") String apiKey,
        @NotBlank(message = "set WXAI_DEEPSEEK_BASEURL to the DeepSeek API base URL") String baseUrl,
        @NotBlank String model,
        @NotNull Duration timeout,
        @NotNull Duration connectTimeout,
        int maxTokens,
        int maxInFlight,
        @NotBlank String systemPrompt,
        @NotNull Fallback fallback) {

    /**
     * @param baseUrl {@code WXAI_DEEPSEEK_FALLBACK_BASEURL}; empty: no fallback
     * @param apiKey  {@code WXAI_DEEPSEEK_FALLBACK_APIKEY}; never logged
     * @param model   its model name
     */
    public record Fallback(String baseUrl, String apiKey, String model) {

        public boolean configured() {
            return baseUrl != null && !baseUrl.isBlank();
        }

        @Override
        public String toString() {
            return "Fallback[baseUrl=" + baseUrl + ", model=" + model + "]";
        }
    }

    @Override
    public String toString() {
        return "DeepSeekProperties[baseUrl=" + baseUrl + ", model=" + model + ", timeout=" + timeout + "]";
    }
}
