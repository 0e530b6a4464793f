package dev.wxai.common.tracing;

import io.micrometer.context.ContextSnapshot;
import io.micrometer.context.ContextSnapshotFactory;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;

/**
 * Runs thread-local code (a {@code KafkaTemplate.send}, a log line) under the trace of the reactive chain around it.
 * The current observation lives in the Reactor context; the Kafka producer's observation looks for it in a thread
 * local, on whatever thread the call lands. Without this, a record would start a new trace instead of continuing
 * the request's.
 */
public final class TraceScope {

    private static final ContextSnapshotFactory SNAPSHOTS = ContextSnapshotFactory.builder().build();

    private TraceScope() {
    }

    /**
     * A log statement with the trace ids of the chain it runs in: Reactor's automatic thread-local propagation costs
     * too much (application.yml), so the few log lines an operator follows a message by open the trace themselves.
     */
    public static Mono<Void> logged(Runnable statement) {
        return Mono.deferContextual(context -> {
            try (ContextSnapshot.Scope scope = SNAPSHOTS.setThreadLocalsFrom(context, ObservationThreadLocalAccessor.KEY)) {
                statement.run();
            }
            return Mono.empty();
        });
    }

    public static <T> Mono<T> deferWithTrace(Supplier<Mono<T>> call) {
        return Mono.deferContextual(context -> {
            try (ContextSnapshot.Scope scope = SNAPSHOTS.setThreadLocalsFrom(context, ObservationThreadLocalAccessor.KEY)) {
                return call.get();
            }
        });
    }
}
