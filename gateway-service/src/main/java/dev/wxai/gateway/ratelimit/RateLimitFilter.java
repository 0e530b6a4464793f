package dev.wxai.gateway.ratelimit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.ratelimit.RateLimiter;
import org.springframework.cloud.gateway.filter.ratelimit.RedisRateLimiter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Rate limits that fit WeChat. All of {@code /wechat}'s traffic comes from a few WeChat server addresses, so it is
 * limited per openid (a user typing fast is throttled, WeChat is not), and a throttled delivery is answered
 * {@code success}: WeChat shows nothing and does not retry, where a 429 would make it retry and show its error
 * page. {@code /api/**} is limited per client address with a 429, a JSON body and {@code Retry-After}.
 * {@code /pay/notify} is never limited: a payment must not wait.
 *
 * <p>When Redis is unreachable, Spring Cloud Gateway's limiter lets requests through (remaining {@code -1}): losing
 * rate limiting for a while is better than losing the service. That is logged once per outage and counted.
 */
@Component
class RateLimitFilter implements GlobalFilter, Ordered {

    private static final Logger log = LoggerFactory.getLogger(RateLimitFilter.class);

    private final RedisRateLimiter api;
    private final RedisRateLimiter wechat;
    private final RedisRateLimiter admin;
    private final ClientAddress clientAddress;
    private final Counter failOpen;
    private final MeterRegistry meters;
    private final AtomicBoolean redisDown = new AtomicBoolean();

    RateLimitFilter(@Qualifier("apiRateLimiter") RedisRateLimiter api, @Qualifier("wechatRateLimiter") RedisRateLimiter wechat,
                    @Qualifier("adminRateLimiter") RedisRateLimiter admin, ClientAddress clientAddress, MeterRegistry meters) {
        this.api = api;
        this.wechat = wechat;
        this.admin = admin;
        this.clientAddress = clientAddress;
        this.meters = meters;
        this.failOpen = Counter.builder("wxai.gateway.ratelimit.failopen")
                .description("Requests let through unlimited because Redis could not be asked").register(meters);
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
        String routeId = route == null ? "" : route.getId();
        return switch (routeId) {
            // Sign-in and the member page share the API's bucket: one browser, one allowance.
            case "api", "web" -> limit(api, "api", "api:" + clientAddress.of(exchange.getRequest()), exchange, chain);
            case "admin" -> limit(admin, "admin", OperatorKey.of(exchange.getRequest(), clientAddress), exchange, chain);
            case "wechat" -> limitWechat(exchange, chain);
            default -> chain.filter(exchange); // pay-notify and anything unlimited
        };
    }

    private Mono<Void> limitWechat(ServerWebExchange exchange, GatewayFilterChain chain) {
        String openid = exchange.getRequest().getQueryParams().getFirst("openid");
        if (exchange.getRequest().getMethod() != HttpMethod.POST || openid == null || openid.isBlank()) {
            // The URL check and requests without an openid are not a user typing: the ingress verifies them.
            return chain.filter(exchange);
        }
        return limit(wechat, "wechat", "wechat:" + openid, exchange, chain);
    }

    private Mono<Void> limit(RedisRateLimiter limiter, String routeId, String key, ServerWebExchange exchange,
                             GatewayFilterChain chain) {
        return limiter.isAllowed(routeId, key).flatMap(decision -> {
            noteRedisState(decision);
            if (decision.isAllowed()) {
                decision.getHeaders().forEach(exchange.getResponse().getHeaders()::add);
                return chain.filter(exchange);
            }
            meters.counter("wxai.gateway.ratelimit.rejected", "route", routeId).increment();
            return "wechat".equals(routeId) ? throttledWechat(exchange.getResponse()) : throttledApi(exchange.getResponse(), decision);
        });
    }

    /** {@code success}: WeChat shows the user nothing and does not deliver again. */
    private static Mono<Void> throttledWechat(ServerHttpResponse response) {
        response.setStatusCode(HttpStatus.OK);
        response.getHeaders().setContentType(MediaType.TEXT_PLAIN);
        return response.writeWith(Mono.just(response.bufferFactory().wrap("success".getBytes(StandardCharsets.UTF_8))));
    }

    private static Mono<Void> throttledApi(ServerHttpResponse response, RateLimiter.Response decision) {
        response.setStatusCode(HttpStatus.TOO_MANY_REQUESTS);
        decision.getHeaders().forEach(response.getHeaders()::add);
        response.getHeaders().set("Retry-After", "1");
        response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        byte[] body = "{\"error\":\"rate_limited\",\"message\":\"too many requests; retry after a second\"}"
                .getBytes(StandardCharsets.UTF_8);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
    }

    private void noteRedisState(RateLimiter.Response decision) {
        boolean unknown = "-1".equals(decision.getHeaders().get(RedisRateLimiter.REMAINING_HEADER));
        if (unknown) {
            failOpen.increment();
            if (redisDown.compareAndSet(false, true)) {
                log.warn("Rate limiting is off: Redis cannot be reached, requests pass unlimited until it is back");
            }
        } else if (redisDown.compareAndSet(true, false)) {
            log.info("Rate limiting is back: Redis answers again");
        }
    }

    /** After routing (the route is known), before the request is forwarded. */
    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 1000;
    }
}
