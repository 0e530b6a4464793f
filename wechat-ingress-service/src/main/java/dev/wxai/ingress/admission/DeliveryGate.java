package dev.wxai.ingress.admission;

import dev.wxai.common.redis.Keys;
import dev.wxai.common.redis.RedisScripts;
import dev.wxai.ingress.config.IngressProperties;
import java.time.Clock;
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
 * <p><b>Deliveries.</b> Each delivery of a message is counted in the same step ({@link Admission#delivery()}: 1 for
 * WeChat's first, 3 for its last), so that the webhook knows which delivery must answer before WeChat's deadline.
 * A later delivery that finds no claim (an earlier one could not publish and released it) claims the message again
 * without spending rate credit.
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
            if seen and seen ~= ARGV[1] then return 'REPLAYED:0' end
            if not seen then redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2]) end
            local delivery = 0
            if #KEYS == 4 then
              delivery = redis.call('INCR', KEYS[4])
              if delivery == 1 then redis.call('EXPIRE', KEYS[4], ARGV[6]) end
              local state = redis.call('GET', KEYS[3])
              if state == 'published' then return 'ALREADY_PUBLISHED:' .. delivery end
              if state then return 'IN_PROGRESS:' .. delivery end
              if delivery > 1 then
                redis.call('SET', KEYS[3], 'pending', 'EX', ARGV[6])
                return 'FIRST:' .. delivery
              end
            end
            local now = tonumber(ARGV[3])
            local interval = tonumber(ARGV[4])
            local capacity = tonumber(ARGV[5]) * interval
            local bucket = redis.call('HMGET', KEYS[2], 'credit', 'at')
            local credit = tonumber(bucket[1]) or capacity
            local at = tonumber(bucket[2]) or now
            credit = math.min(capacity, credit + math.max(0, now - at))
            if credit < interval then return 'THROTTLED:' .. delivery end
            redis.call('HSET', KEYS[2], 'credit', credit - interval, 'at', now)
            redis.call('PEXPIRE', KEYS[2], capacity)
            if #KEYS == 4 then redis.call('SET', KEYS[3], 'pending', 'EX', ARGV[6]) end
            return 'FIRST:' .. delivery
            """, String.class);

    /**
     * A delivery waiting for an earlier one's publish: {@code published}, still {@code pending}, or, when the earlier
     * one gave up and released its claim, {@code claimed} for this one to publish.
     */
    private static final RedisScript<String> CLAIM_IF_RELEASED = RedisScript.of("""
            local state = redis.call('GET', KEYS[1])
            if state then return state end
            redis.call('SET', KEYS[1], 'pending', 'EX', ARGV[1])
            return 'claimed'
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

    DeliveryGate(ReactiveStringRedisTemplate redis, IngressProperties properties, Clock clock) {
        this.redis = redis;
        this.clock = clock;
        this.dedupeTtl = String.valueOf(properties.dedupeTtl().toSeconds());
        this.replayTtl = String.valueOf(properties.maxClockSkew().multipliedBy(2).toSeconds());
        this.refillMillis = String.valueOf(properties.userRefill().toMillis());
        this.burst = String.valueOf(properties.userBurst());
    }

    /**
     * @param deliveryKey the message's dedupe key (its MsgId), or null for deliveries that are answered at once and
     *                    never published (events, media): they pass the replay check and the rate only
     */
    public Mono<Admission> admit(String appId, String signature, String bodyDigest, String openid, String deliveryKey) {
        List<String> keys = deliveryKey == null
                ? List.of(Keys.replay(appId, signature), Keys.userRate(appId, openid))
                : List.of(Keys.replay(appId, signature), Keys.userRate(appId, openid), Keys.dedupe(appId, deliveryKey),
                        Keys.deliveries(appId, deliveryKey));
        return redis.execute(ADMIT, keys, List.of(bodyDigest, replayTtl, String.valueOf(clock.millis()), refillMillis, burst, dedupeTtl))
                .next()
                .map(Admission::parse);
    }

    /** Where an earlier delivery's publish stands; claims the message for this delivery if that one released it. */
    public Mono<Publish> publishState(String appId, String deliveryKey) {
        return redis.execute(CLAIM_IF_RELEASED, List.of(Keys.dedupe(appId, deliveryKey)), List.of(dedupeTtl))
                .next()
                .map(state -> switch (state) {
                    case "published" -> Publish.PUBLISHED;
                    case "claimed" -> Publish.CLAIMED;
                    default -> Publish.PENDING;
                });
    }

    /** Marks the delivery published, and counts the message for {@code GET /api/stats}. */
    public Mono<Void> markPublished(String appId, String deliveryKey) {
        return redis.execute(MARK_PUBLISHED, List.of(Keys.dedupe(appId, deliveryKey), Keys.STATS_MESSAGES), List.of(dedupeTtl))
                .then();
    }

    /** Releases a claim whose publish failed, so that WeChat's next retry publishes. */
    public Mono<Void> release(String appId, String deliveryKey) {
        return redis.execute(RedisScripts.COMPARE_AND_DELETE, List.of(Keys.dedupe(appId, deliveryKey)), List.of(PENDING)).then();
    }

    /**
     * What the admission decided, and which delivery of the message this is.
     *
     * @param delivery 1 for WeChat's first delivery of a message, 2 and 3 for its retries; 0 when not counted
     *                 (events and media, which are answered at once)
     */
    public record Admission(Verdict verdict, int delivery) {

        static Admission parse(String reply) {
            int colon = reply.indexOf(':');
            return new Admission(Verdict.valueOf(reply.substring(0, colon)), Integer.parseInt(reply.substring(colon + 1)));
        }
    }

    /** An earlier delivery's publish, as a later one finds it. */
    public enum Publish {
        /** In Kafka. */
        PUBLISHED,
        /** Still being published by an earlier delivery. */
        PENDING,
        /** The earlier delivery gave up and released it: this delivery now holds the claim and publishes. */
        CLAIMED
    }

    public enum Verdict {
        /** New (or released by a delivery that could not publish), admitted: publish it (a message) or answer it (an event). */
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
