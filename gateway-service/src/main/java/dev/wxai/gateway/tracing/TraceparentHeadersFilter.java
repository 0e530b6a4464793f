package dev.wxai.gateway.tracing;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.handler.TracingObservationHandler;
import io.micrometer.tracing.propagation.Propagator;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

/**
 * Carries the gateway's trace to the upstream: the request it forwards gets the {@code traceparent} of the span
 * the gateway opened for the incoming request, so that the ingress, Kafka, the worker and DeepSeek continue the
 * trace the gateway started (or the caller's, when it sent one).
 *
 * <p>Spring Cloud Gateway can do this itself with a client observation per forwarded request
 * ({@code spring.cloud.gateway.server.webflux.observability.enabled}), but that second span, its meters and its
 * key-values cost about a tenth of the gateway's CPU per request (bench/RESULTS.md); the upstream's own server span
 * already times the hop.
 */
@Component
class TraceparentHeadersFilter implements HttpHeadersFilter, Ordered {

    private final Propagator propagator;

    TraceparentHeadersFilter(Propagator propagator) {
        this.propagator = propagator;
    }

    @Override
    public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
        Span span = ServerRequestObservationContext.findCurrent(exchange.getAttributes())
                .map(context -> context.<TracingObservationHandler.TracingContext>get(TracingObservationHandler.TracingContext.class))
                .map(TracingObservationHandler.TracingContext::getSpan)
                .orElse(null);
        if (span == null) {
            return input;
        }
        HttpHeaders forwarded = new HttpHeaders();
        forwarded.putAll(input);
        propagator.inject(span.context(), forwarded, HttpHeaders::set);
        return forwarded;
    }

    /** Last, so that no other filter removes what it adds. */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
