package dev.wxai.ingress.admission;

import dev.wxai.common.redis.Keys;
import dev.wxai.common.redis.RedisScripts;
import dev.wxai.ingress.config.IngressProperties;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Decides, in one Redis round trip, what becomes of a delivery whose signature has already been verified (a forged
 * one never gets here, so it costs no key): is its signed query a replay with another body, is it WeChat's retry of
 * a message already accepted, is the user sending faster than allowed, or is it new.
 *
 * <p><b>Replays.</b> In plaintext mode WeChat's {@code signature} covers token, timestamp and nonce but not the body,
 * so a captured query could carry any body while its timestamp is fresh. The first body seen with a signature is
 * remembered for twice the allowed clock skew (the whole time the timestamp is accepted); another body with it is
 * refused, the same body again is a retry.
 *
 * <p><b>Duplicates.</b> A message's delivery key moves through {@code pending} (the first delivery is being
 * published) and {@code published} (the broker acknowledged it). A retry that finds {@code published} may be
 * answered {@code success}; one that finds {@code pending} must not be, because the first attempt can still fail.
 * A failed publish removes the key so that the next retry publishes afresh. Retries cost no rate-limit credit.
 *
 * <p><b>Rate.</b> Per openid, a bucket of time credit: it fills one millisecond per millisecond up to
 * {@code burst × interval}, and each new message costs {@code interval}. All integers, so Lua's number formatting
 * never rounds it; a bucket left alone expires when it would be full anyway.
 */
@Component
public class DeliveryGate {

    private static final String PENDING = "pending";

    private static final RedisScript<String> ADMIT = RedisScript.of("""
            local seen = redis.call('GET', KEYS[1])
            if seen and seen ~= ARGV[1] then return 'REPLAYED' end
            if not seen then redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2]) end
            if #KEYS == 3 then
              local state = redis.call('GET', KEYS[3])
              if state == 'published' then return 'ALREADY_PUBLISHED' end
              if state then return 'IN_PROGRESS' end
            end
            local now = tonumber(ARGV[3])
            local interval = tonumber(ARGV[4])
            local capacity = tonumber(ARGV[5]) * interval
            local bucket = redis.call('HMGET', KEYS[2], 'credit', 'at')
            local credit = tonumber(bucket[1]) or capacity
            local at = tonumber(bucket[2]) or now
            credit = math.min(capacity, credit + math.max(0, now - at))
            if credit < interval then return 'THROTTLED' end
            redis.call('HSET', KEYS[2], 'credit', credit - interval, 'at', now)
            redis.call('PEXPIRE', KEYS[2], capacity)
            if #KEYS == 3 then redis.call('SET', KEYS[3], 'pending', 'EX', ARGV[6]) end
            return 'FIRST'
            """, String.class);

    /** The mark after the broker's acknowledgement and the message count, in one round trip. */
    private static final RedisScript<Long> MARK_PUBLISHED = RedisScript.of("""
            redis.call('SET', KEYS[1], 'published', 'EX', ARGV[1])
            return redis.call('INCR', KEYS[2])
            """, Long.class);

    private final ReactiveStringRedisTemplate redis;
    private final Clock clock;
    private final String dedupeTtl;
    private final String replayTtl;
    private final String refillMillis;
    private final String burst;
    private final Duration dedupeTtlDuration;

    DeliveryGate(ReactiveStringRedisTemplate redis, IngressProperties properties, Clock clock) {
        this.redis = redis;
        this.clock = clock;
        this.dedupeTtlDuration = properties.dedupeTtl();
        this.dedupeTtl = String.valueOf(properties.dedupeTtl().toSeconds());
        this.replayTtl = String.valueOf(properties.maxClockSkew().multipliedBy(2).toSeconds());
        this.refillMillis = String.valueOf(properties.userRefill().toMillis());
        this.burst = String.valueOf(properties.userBurst());
    }

    /**
     * @param deliveryKey the message's dedupe key (its MsgId), or null for deliveries that are answered at once and
     *                    never published (events, media): they pass the replay check and the rate only
     */
    public Mono<Verdict> admit(String appId, String signature, String bodyDigest, String openid, String deliveryKey) {
        List<String> keys = deliveryKey == null
                ? List.of(Keys.replay(appId, signature), Keys.userRate(appId, openid))
                : List.of(Keys.replay(appId, signature), Keys.userRate(appId, openid), Keys.dedupe(appId, deliveryKey));
        return redis.execute(ADMIT, keys, List.of(bodyDigest, replayTtl, String.valueOf(clock.millis()), refillMillis, burst, dedupeTtl))
                .next()
                .map(Verdict::valueOf);
    }

    /** Marks the delivery published, and counts the message for {@code GET /api/stats}. */
    public Mono<Void> markPublished(String appId, String deliveryKey) {
        return redis.execute(MARK_PUBLISHED, List.of(Keys.dedupe(appId, deliveryKey), Keys.STATS_MESSAGES), List.of(dedupeTtl))
                .then();
    }

    /** Counts this delivery of the message: 1 for WeChat's first, up to 3 with its retries. */
    public Mono<Long> countDelivery(String appId, String deliveryKey) {
        String key = Keys.deliveries(appId, deliveryKey);
        return redis.opsForValue().increment(key).flatMap(count -> redis.expire(key, dedupeTtlDuration).thenReturn(count));
    }

    /** Releases a claim whose publish failed, so that WeChat's next retry publishes. */
    public Mono<Void> release(String appId, String deliveryKey) {
        return redis.execute(RedisScripts.COMPARE_AND_DELETE, List.of(Keys.dedupe(appId, deliveryKey)), List.of(PENDING)).then();
    }

    public enum Verdict {
        /** New, admitted: publish it (a message) or answer it (an event). */
        FIRST,
        /** WeChat's retry while the first delivery is still being published. */
        IN_PROGRESS,
        /** WeChat's retry of a message already in Kafka. */
        ALREADY_PUBLISHED,
        /** The user is over their rate: nothing was stored for the message. */
        THROTTLED,
        /** A signed query seen before with another body. */
        REPLAYED
    }
}
