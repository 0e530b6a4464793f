package dev.wxai.order.config;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The service-to-service port: what the workers read (entitlements), never routed by the gateway and reachable in
 * Kubernetes only from the workers' pods (NetworkPolicy). Callers also present a shared bearer token.
 *
 * @param port  {@code WXAI_INTERNAL_PORT}, 8283 by default
 * @param token {@code WXAI_INTERNAL_TOKEN}, the same value the workers send; at least 16 characters; never logged
 */
@Validated
@ConfigurationProperties("wxai.internal")
public record InternalProperties(
        @Min(0) @Max(65535) int port,
        @NotBlank(message = "set WXAI_INTERNAL_TOKEN (shared with the workers)") @Size(min = 16, message = "WXAI_INTERNAL_TOKEN must be at least 16 characters") String token) {

    @Override
    public String toString() {
        return "InternalProperties[port=" + port + "]";
    }
}
