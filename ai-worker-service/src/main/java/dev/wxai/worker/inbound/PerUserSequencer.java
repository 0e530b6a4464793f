package dev.wxai.worker.inbound;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Runs each user's work strictly one after another while different users' work runs concurrently: the listener
 * hands over records without waiting, so two messages of one openid from the same poll would otherwise race.
 */
@Component
class PerUserSequencer {

    private final ConcurrentHashMap<String, CompletableFuture<Void>> tails = new ConcurrentHashMap<>();

    CompletableFuture<Void> submit(String openid, Supplier<Mono<Void>> work) {
        CompletableFuture<Void> done = tails.compute(openid, (key, tail) -> after(tail)
                .thenCompose(ignored -> work.get().toFuture()));
        // Forget the chain once it is idle, so that the map holds only users with work in flight.
        done.whenComplete((result, error) -> tails.remove(openid, done));
        return done;
    }

    int usersInFlight() {
        return tails.size();
    }

    private static CompletableFuture<Void> after(CompletableFuture<Void> tail) {
        // A failure of the previous message must not hold back the next one.
        return tail == null ? CompletableFuture.completedFuture(null) : tail.handle((result, error) -> null);
    }
}
