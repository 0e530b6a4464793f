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
 *                       above the ingress's {@code wxai.ingress.hold}, so that a delivery the ingress holds past
 *                       WeChat's 5 s on purpose stays silent instead of turning into a failure status
 * @param wechatHold     when no ingress can be asked (circuit open, none ready, none reachable), how long a WeChat
 *                       delivery is held before its 503 ({@code WXAI_GATEWAY_WECHATHOLD}): past WeChat's 5 s, so that
 *                       WeChat's own time-out brings the next delivery instead of an immediate retry after a failure
 * @param wechatMaxHeld  the most deliveries held that way at once; beyond it they get the 503 at once
 *                       ({@code WXAI_GATEWAY_WECHATMAXHELD}): a held request costs memory, an outage must not cost all
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
        @NotNull Duration wechatHold,
        @Min(0) int wechatMaxHeld,
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
