package dev.wxai.gateway.tracing;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.handler.TracingObservationHandler;
import io.micrometer.tracing.propagation.Propagator;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

/**
 * Hands the gateway's trace to the upstream: writes the {@code traceparent} of the span the gateway opened for the
 * incoming request (its server observation's span) into the headers of the request it forwards, so that the ingress,
 * Kafka, the worker and DeepSeek continue the trace the gateway started (or the caller's, when it sent one).
 *
 * <p>No client span of its own: a second span, its meters and its key-values per forwarded request cost about a
 * tenth of the gateway's CPU (bench/RESULTS.md); the upstream's own server span already times the hop.
 */
@Component
public class TraceHandOff {

    private final Propagator propagator;

    TraceHandOff(Propagator propagator) {
        this.propagator = propagator;
    }

    /** Writes the trace headers into {@code carrier}; nothing when the exchange has no span (tracing off). */
    public <C> void inject(ServerWebExchange exchange, C carrier, Propagator.Setter<C> setter) {
        Span span = ServerRequestObservationContext.findCurrent(exchange.getAttributes())
                .map(context -> context.<TracingObservationHandler.TracingContext>get(TracingObservationHandler.TracingContext.class))
                .map(TracingObservationHandler.TracingContext::getSpan)
                .orElse(null);
        if (span != null) {
            propagator.inject(span.context(), carrier, setter);
        }
    }
}
