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
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Rate limits of the routes: {@code /api/**} with sign-in and the member page per client address, {@code /admin/**}
 * per operator token, each refused with a 429, a JSON body and {@code Retry-After}. {@code /pay/notify} is never
 * limited: a payment must not wait. {@code /wechat} does not pass here (it has its own lean path, and its per-openid
 * limit is the ingress's, after the signature check).
 *
 * <p>When Redis is unreachable, Spring Cloud Gateway's limiter lets requests through (remaining {@code -1}): losing
 * rate limiting for a while is better than losing the service. That is logged once per outage and counted.
 */
@Component
class RateLimitFilter implements GlobalFilter, Ordered {

    private static final Logger log = LoggerFactory.getLogger(RateLimitFilter.class);

    private final Bucket api;
    private final Bucket admin;
    private final ClientAddress clientAddress;
    private final Counter failOpen;
    private final AtomicBoolean redisDown = new AtomicBoolean();

    RateLimitFilter(@Qualifier("apiRateLimiter") RedisRateLimiter api, @Qualifier("adminRateLimiter") RedisRateLimiter admin,
                    ClientAddress clientAddress, MeterRegistry meters) {
        this.api = new Bucket(api, "api", meters);
        this.admin = new Bucket(admin, "admin", meters);
        this.clientAddress = clientAddress;
        this.failOpen = Counter.builder("wxai.gateway.ratelimit.failopen")
                .description("Requests let through unlimited because Redis could not be asked").register(meters);
    }

    /** A limiter with its route id (the Redis key's prefix) and its rejection counter, registered once. */
    private record Bucket(RedisRateLimiter limiter, String routeId, Counter rejected) {

        Bucket(RedisRateLimiter limiter, String routeId, MeterRegistry meters) {
            this(limiter, routeId, Counter.builder("wxai.gateway.ratelimit.rejected").tag("route", routeId)
                    .description("Requests refused with 429 by the gateway's rate limits").register(meters));
        }
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
        String routeId = route == null ? "" : route.getId();
        return switch (routeId) {
            // Sign-in and the member page share the API's bucket: one browser, one allowance.
            case "api", "web" -> limit(api, "api:" + clientAddress.of(exchange.getRequest()), exchange, chain);
            case "admin" -> limit(admin, OperatorKey.of(exchange.getRequest(), clientAddress), exchange, chain);
            default -> chain.filter(exchange); // pay-notify and anything unlimited
        };
    }

    private Mono<Void> limit(Bucket bucket, String key, ServerWebExchange exchange, GatewayFilterChain chain) {
        return bucket.limiter().isAllowed(bucket.routeId(), key).flatMap(decision -> {
            noteRedisState(decision);
            if (decision.isAllowed()) {
                decision.getHeaders().forEach(exchange.getResponse().getHeaders()::add);
                return chain.filter(exchange);
            }
            bucket.rejected().increment();
            return throttled(exchange.getResponse(), decision);
        });
    }

    private static Mono<Void> throttled(ServerHttpResponse response, RateLimiter.Response decision) {
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
