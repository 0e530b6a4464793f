package dev.wxai.gateway.edge;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * {@link EdgeHeaders} for Spring Cloud Gateway's routes, first of all filters, so that also answers the gateway gives
 * itself (a 429, a fallback) carry them; the request id goes to the upstream too.
 */
@Component
class EdgeHeadersFilter implements GlobalFilter, Ordered {

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        String requestId = EdgeHeaders.requestId(exchange.getRequest());
        EdgeHeaders.addTo(exchange.getResponse().getHeaders(), requestId);
        ServerWebExchange withId = exchange.mutate()
                .request(request -> request.headers(headers -> headers.set(EdgeHeaders.REQUEST_ID, requestId)))
                .build();
        return chain.filter(withId);
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
