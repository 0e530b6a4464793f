package dev.wxai.worker.delivery;

import dev.wxai.common.redis.Keys;
import dev.wxai.worker.config.WorkerProperties;
import java.time.Duration;
import java.util.List;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Makes sure each message is answered once although Kafka delivers at least once: a record can be re-read after a
 * crash, a rebalance or a failed commit, possibly while another worker is still answering it.
 *
 * <p>{@code delivered:{msgId}} is {@code claimed:<owner>} while a worker answers, {@code sent} once the answer went
 * out, and {@code apologized} when the user got an apology instead (a replay from the dead-letter topic may then
 * still answer). A claim expires after {@code claim-ttl}, so a crashed worker's message is taken over; the same
 * owner may claim again (its own retry).
 */
@Component
public class ReplyClaims {

    private static final RedisScript<String> CLAIM = RedisScript.of("""
            local state = redis.call('GET', KEYS[1])
            if not state or state == 'apologized' or state == ARGV[1] then
              redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
              return 'CLAIMED'
            end
            if state == 'sent' then return 'SENT' end
            return 'HELD'
            """, String.class);

    private static final RedisScript<Long> CONFIRM = RedisScript.of("""
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              return redis.call('PEXPIRE', KEYS[1], ARGV[2])
            end
            return 0
            """, Long.class);

    private final ReactiveStringRedisTemplate redis;
    private final Duration claimTtl;
    private final Duration deliveredTtl;

    ReplyClaims(ReactiveStringRedisTemplate redis, WorkerProperties properties) {
        this.redis = redis;
        this.claimTtl = properties.claimTtl();
        this.deliveredTtl = properties.deliveredTtl();
    }

    public Mono<Claim> claim(String msgId, String owner) {
        return redis.execute(CLAIM, List.of(Keys.delivered(msgId)), List.of("claimed:" + owner, String.valueOf(claimTtl.toMillis())))
                .next()
                .map(Claim::valueOf);
    }

    /**
     * Confirms that {@code owner} still holds the claim and extends it, right before the reply goes out. False when
     * the claim expired and another worker took the message over: that worker answers it, this one must not.
     */
    public Mono<Boolean> confirm(String msgId, String owner) {
        return redis.execute(CONFIRM, List.of(Keys.delivered(msgId)),
                        List.of("claimed:" + owner, String.valueOf(claimTtl.toMillis())))
                .next()
                .map(confirmed -> confirmed == 1L);
    }

    /** Marks the message answered, and counts the reply for {@code GET /api/stats}. */
    public Mono<Void> markSent(String msgId) {
        return redis.opsForValue().set(Keys.delivered(msgId), "sent", deliveredTtl)
                .then(redis.opsForValue().increment(Keys.STATS_REPLIES))
                .then();
    }

    public Mono<Void> markApologized(String msgId) {
        return redis.opsForValue().set(Keys.delivered(msgId), "apologized", deliveredTtl).then();
    }

    /** Gives the message back (the answer could not be delivered), so that a replay may try again at once. */
    public Mono<Void> release(String msgId) {
        return redis.delete(Keys.delivered(msgId)).then();
    }

    public enum Claim {
        /** This worker answers it. */
        CLAIMED,
        /** Answered before: a redelivery. */
        SENT,
        /** Another worker is answering it right now. */
        HELD
    }
}
