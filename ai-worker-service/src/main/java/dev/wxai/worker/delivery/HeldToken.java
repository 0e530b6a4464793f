package dev.wxai.worker.delivery;

import dev.wxai.common.redis.AccessTokenStore;
import java.time.Clock;
import java.time.Duration;
import reactor.core.publisher.Mono;

/**
 * The shared access token ({@link AccessTokenStore}), held in this worker for a few seconds: every reply and every
 * "typing" needs it, and asking Redis each time was two of a reply's round trips. Holding it is safe because WeChat
 * keeps an access token working for five minutes after a newer one is fetched; a token WeChat rejects is dropped here
 * and in Redis at once.
 */
final class HeldToken {

    static final Duration HOLD = Duration.ofSeconds(30);

    private final AccessTokenStore store;
    private final Clock clock;
    private volatile Held held;

    HeldToken(AccessTokenStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    Mono<String> token() {
        Held current = held;
        if (current != null && clock.millis() < current.until()) {
            return Mono.just(current.token());
        }
        return store.token().doOnNext(token -> held = new Held(token, clock.millis() + HOLD.toMillis()));
    }

    /** Forgets {@code rejected} here, and in Redis unless another worker has replaced it already. */
    Mono<Boolean> invalidate(String rejected) {
        Held current = held;
        if (current != null && current.token().equals(rejected)) {
            held = null;
        }
        return store.invalidate(rejected);
    }

    private record Held(String token, long until) {
    }
}
