package dev.wxai.gateway.tracing;

import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

/**
 * {@link TraceHandOff} for Spring Cloud Gateway's routes. The gateway could do this itself with a client observation
 * per forwarded request ({@code spring.cloud.gateway.server.webflux.observability.enabled}), at the cost
 * {@link TraceHandOff} explains.
 */
@Component
class TraceparentHeadersFilter implements HttpHeadersFilter, Ordered {

    private final TraceHandOff trace;

    TraceparentHeadersFilter(TraceHandOff trace) {
        this.trace = trace;
    }

    @Override
    public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
        HttpHeaders forwarded = new HttpHeaders();
        forwarded.putAll(input);
        trace.inject(exchange, forwarded, HttpHeaders::set);
        return forwarded;
    }

    /** Last, so that no other filter removes what it adds. */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
