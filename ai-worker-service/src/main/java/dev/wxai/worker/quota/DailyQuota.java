package dev.wxai.worker.quota;

import dev.wxai.common.redis.Keys;
import dev.wxai.worker.config.WorkerProperties;
import dev.wxai.worker.entitlement.Memberships;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Questions per user per day: a free allowance, and a larger one for members ({@link Memberships}: MySQL's record
 * through the Redis cache).
 * The day follows the configured zone (China Standard Time by default), so the allowance renews at local midnight.
 */
@Component
public class DailyQuota {

    private static final DateTimeFormatter DAY = DateTimeFormatter.BASIC_ISO_DATE;

    private final ReactiveStringRedisTemplate redis;
    private final Memberships memberships;
    private final WorkerProperties properties;
    private final Clock clock;

    DailyQuota(ReactiveStringRedisTemplate redis, Memberships memberships, WorkerProperties properties, Clock clock) {
        this.redis = redis;
        this.memberships = memberships;
        this.properties = properties;
        this.clock = clock;
    }

    /** Counts one question; false when the user has used up today's allowance. */
    public Mono<Boolean> tryConsume(String openid) {
        String key = key(openid);
        return memberships.isMember(openid)
                .map(entitled -> entitled ? properties.paidDailyQuota() : properties.freeDailyQuota())
                .flatMap(limit -> redis.opsForValue().increment(key)
                        .flatMap(used -> used == 1 ? redis.expire(key, Duration.ofDays(2)).thenReturn(used) : Mono.just(used))
                        .map(used -> used <= limit));
    }

    /** Gives back a question counted by {@link #tryConsume}: only answered questions are charged. */
    public Mono<Void> giveBack(String openid) {
        return redis.opsForValue().decrement(key(openid)).then();
    }

    private String key(String openid) {
        return Keys.quota(openid, LocalDate.now(clock.withZone(properties.quotaZone())).format(DAY));
    }
}
