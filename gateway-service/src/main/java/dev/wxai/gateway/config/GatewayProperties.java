package dev.wxai.gateway.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * @param ingressUris    the ingress instances {@code /wechat} is shared between ({@code WXAI_GATEWAY_INGRESSURIS},
 *                       comma-separated; one Kubernetes Service address is one instance)
 * @param ingressTimeout how long {@code /wechat} waits for the ingress's answer ({@code WXAI_GATEWAY_INGRESSTIMEOUT}):
 *                       under WeChat's 5 s, so that a slow ingress gets WeChat a failure it retries, not a silence
 * @param orderUris      the order-service instances for {@code /api/**} and {@code /pay/notify}
 *                       ({@code WXAI_GATEWAY_ORDERURIS})
 * @param api            the token bucket per client IP for {@code /api/**}, {@code /auth/**} and {@code /shop/**}
 * @param admin          the token bucket per operator token for {@code /admin/**}
 * @param trustedProxies addresses of the load balancers in front of the gateway: only when the direct peer is one of
 *                       them is {@code X-Forwarded-For} believed (anyone else could write any address into it)
 * @param webOrigins     browser origins allowed to call {@code /api/**} (CORS); none by default
 */
@Validated
@ConfigurationProperties("wxai.gateway")
public record GatewayProperties(
        @NotEmpty(message = "set WXAI_GATEWAY_INGRESSURIS") List<URI> ingressUris,
        @NotNull(message = "set WXAI_GATEWAY_INGRESSTIMEOUT") Duration ingressTimeout,
        @NotEmpty(message = "set WXAI_GATEWAY_ORDERURIS") List<URI> orderUris,
        @NotNull @Valid Limit api,
        @NotNull @Valid Limit admin,
        List<String> trustedProxies,
        List<String> webOrigins) {

    public GatewayProperties {
        ingressUris = ingressUris == null ? List.of() : List.copyOf(ingressUris);
        orderUris = orderUris == null ? List.of() : List.copyOf(orderUris);
        trustedProxies = trustedProxies == null ? List.of() : List.copyOf(trustedProxies);
        webOrigins = webOrigins == null ? List.of() : List.copyOf(webOrigins);
    }

    /**
     * Spring Cloud Gateway's Redis token bucket: {@code replenishRate} tokens a second up to {@code burstCapacity},
     * each request costing {@code requestedTokens} (above 1 for rates under one request a second).
     */
    public record Limit(@Min(1) int replenishRate, @Min(1) long burstCapacity, @Min(1) int requestedTokens) {
    }
}
