package dev.wxai.gateway.edge;

import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * What every exchange gets, first of all filters, so that also answers the gateway gives itself (a 429, a
 * throttled WeChat delivery) carry it: an {@code X-Request-Id} on the request and the response (the caller's own
 * when it is a sane token, a new one otherwise, so that a support case can be found in every service's log) and
 * security headers for browsers.
 */
@Component
class EdgeHeadersFilter implements GlobalFilter, Ordered {

    static final String REQUEST_ID = "X-Request-Id";
    private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._-]{8,64}");

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        String given = exchange.getRequest().getHeaders().getFirst(REQUEST_ID);
        String requestId = given != null && SANE.matcher(given).matches() ? given : UUID.randomUUID().toString();
        HttpHeaders response = exchange.getResponse().getHeaders();
        response.set(REQUEST_ID, requestId);
        response.set("X-Content-Type-Options", "nosniff");
        response.set("X-Frame-Options", "DENY");
        response.set("Referrer-Policy", "no-referrer");
        response.set("Strict-Transport-Security", "max-age=31536000");
        ServerWebExchange withId = exchange.mutate()
                .request(request -> request.headers(headers -> headers.set(REQUEST_ID, requestId)))
                .build();
        return chain.filter(withId);
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
