package dev.wxai.ingress.dedupe;

import dev.wxai.common.redis.Keys;
import dev.wxai.common.redis.RedisScripts;
import dev.wxai.ingress.config.IngressProperties;
import java.time.Duration;
import java.util.List;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Recognises WeChat's re-deliveries of one message, whichever replica each lands on.
 *
 * <p>A delivery key moves through two states: {@code pending} while the first delivery is being published,
 * {@code published} once the broker has acknowledged it. A retry that finds {@code published} may be answered
 * {@code success}; one that finds {@code pending} must not be, because the first attempt can still fail, so it
 * is told to retry later. A failed publish removes the key so that the next retry publishes afresh.
 */
@Component
public class DuplicateFilter {

    private static final String PENDING = "pending";
    private static final String PUBLISHED = "published";

    private final ReactiveStringRedisTemplate redis;
    private final Duration ttl;

    DuplicateFilter(ReactiveStringRedisTemplate redis, IngressProperties properties) {
        this.redis = redis;
        this.ttl = properties.dedupeTtl();
    }

    /** Claims the delivery key; tells the caller whether this is the first delivery or what became of it. */
    public Mono<Claim> claim(String appId, String deliveryKey) {
        String key = Keys.dedupe(appId, deliveryKey);
        return redis.opsForValue().setIfAbsent(key, PENDING, ttl)
                .flatMap(claimed -> claimed
                        ? Mono.just(Claim.FIRST)
                        : redis.opsForValue().get(key)
                                .map(state -> PUBLISHED.equals(state) ? Claim.ALREADY_PUBLISHED : Claim.IN_PROGRESS)
                                // expired between our SET and GET: too old to matter, treat it as in progress
                                .defaultIfEmpty(Claim.IN_PROGRESS));
    }

    /** Marks the delivery published, and counts the message for {@code GET /api/stats}. */
    public Mono<Void> markPublished(String appId, String deliveryKey) {
        return redis.opsForValue().set(Keys.dedupe(appId, deliveryKey), PUBLISHED, ttl)
                .then(redis.opsForValue().increment(Keys.STATS_MESSAGES))
                .then();
    }

    /** Counts this delivery of the message: 1 for WeChat's first, up to 3 with its retries. */
    public Mono<Long> countDelivery(String appId, String deliveryKey) {
        String key = Keys.deliveries(appId, deliveryKey);
        return redis.opsForValue().increment(key).flatMap(count -> redis.expire(key, ttl).thenReturn(count));
    }

    /** Releases a claim whose publish failed, so that WeChat's next retry publishes. */
    public Mono<Void> release(String appId, String deliveryKey) {
        return redis.execute(RedisScripts.COMPARE_AND_DELETE, List.of(Keys.dedupe(appId, deliveryKey)), List.of(PENDING)).then();
    }

    public enum Claim {
        FIRST, IN_PROGRESS, ALREADY_PUBLISHED
    }
}
