package dev.wxai.worker.config;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Where the worker learns what users paid for: the order-service's internal port (MySQL is the record), cached in
 * Redis.
 *
 * @param url        {@code WXAI_ENTITLEMENTS_URL}: the order-service's internal port, e.g. {@code http://order-service:8283}
 * @param token      {@code WXAI_INTERNAL_TOKEN}, the same value the order-service expects; never logged
 * @param cacheTtl   how long a cached entitlement is trusted without an order event refreshing it
 * @param timeout    a lookup slower than this counts as failed
 * @param retryFor   how long an order event that cannot be applied (Redis down) is retried before it is dead-lettered
 */
@Validated
@ConfigurationProperties("wxai.entitlements")
public record EntitlementProperties(
        @NotBlank(message = "set WXAI_ENTITLEMENTS_URL to the order-service's internal port") String url,
        @NotBlank(message = "set WXAI_INTERNAL_TOKEN (shared with the order-service)") @Size(min = 16) String token,
        @NotNull Duration cacheTtl,
        @NotNull Duration timeout,
        @NotNull Duration retryFor) {

    @Override
    public String toString() {
        return "EntitlementProperties[url=" + url + "]";
    }
}
