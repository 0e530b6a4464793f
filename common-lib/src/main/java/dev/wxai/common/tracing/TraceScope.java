package dev.wxai.common.tracing;

import io.micrometer.context.ContextSnapshot;
import io.micrometer.context.ContextSnapshotFactory;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;

/**
 * Runs blocking-style client code (a {@code KafkaTemplate.send}) under the trace of the reactive chain that calls it.
 * The current observation lives in the Reactor context; the Kafka producer's observation looks for it in a thread
 * local, on whatever thread the call lands. Without this, a record would start a new trace instead of continuing
 * the request's.
 */
public final class TraceScope {

    private static final ContextSnapshotFactory SNAPSHOTS = ContextSnapshotFactory.builder().build();

    private TraceScope() {
    }

    public static <T> Mono<T> deferWithTrace(Supplier<Mono<T>> call) {
        return Mono.deferContextual(context -> {
            try (ContextSnapshot.Scope scope = SNAPSHOTS.setThreadLocalsFrom(context, ObservationThreadLocalAccessor.KEY)) {
                return call.get();
            }
        });
    }
}
