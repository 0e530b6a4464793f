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
    /** How long a day's count lives: past the day in any zone, then gone. */
    public static final Duration KEY_TTL = Duration.ofDays(2);

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

    /**
     * Whether the {@code used}-th question of today is within the user's allowance, the count having been taken already
     * (in the same round trip as the reply's claim: {@code ReplyStart}) and the cache value read with it.
     */
    public Mono<Boolean> allows(String openid, long used, String cachedEntitlement) {
        return memberships.isMember(openid, cachedEntitlement)
                .map(entitled -> used <= (entitled ? properties.paidDailyQuota() : properties.freeDailyQuota()));
    }

    /** The key that counts the user's questions today. */
    public String key(String openid) {
        return Keys.quota(openid, LocalDate.now(clock.withZone(properties.quotaZone())).format(DAY));
    }

    /** Gives back a question counted with the reply's claim: only answered questions are charged. */
    public Mono<Void> giveBack(String openid) {
        return redis.opsForValue().decrement(key(openid)).then();
    }
}
