package dev.wxai.order.outbox;

import dev.wxai.common.tracing.TraceScope;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Carries a payment's trace across the outbox: the request that writes an event stores its W3C {@code traceparent}
 * with the row, and the relay, minutes or milliseconds later and maybe on another replica, publishes the row inside
 * a span of that trace, so that the Kafka record (and the worker's entitlement update) continue it.
 */
@Component
class OutboxTracing {

    private static final String HEADER = "traceparent";

    private final Tracer tracer;
    private final Propagator propagator;

    OutboxTracing(Tracer tracer, Propagator propagator) {
        this.tracer = tracer;
        this.propagator = propagator;
    }

    /** The current span as a {@code traceparent}; empty outside any trace. */
    Mono<String> currentTraceparent() {
        return TraceScope.deferWithTrace(() -> {
            Span span = tracer.currentSpan();
            if (span == null) {
                return Mono.empty();
            }
            Map<String, String> carrier = new HashMap<>();
            propagator.inject(span.context(), carrier, Map::put);
            return Mono.justOrEmpty(carrier.get(HEADER));
        });
    }

    /** Runs {@code send} in a child span of the stored trace, or as it is when the row has none. */
    <T> T underTrace(String traceparent, Supplier<T> send) {
        if (traceparent == null || traceparent.isBlank()) {
            return send.get();
        }
        Span span = propagator.extract(Map.of(HEADER, traceparent), Map::get).name("outbox relay").start();
        try (Tracer.SpanInScope scope = tracer.withSpan(span)) {
            return send.get();
        } finally {
            span.end();
        }
    }
}
