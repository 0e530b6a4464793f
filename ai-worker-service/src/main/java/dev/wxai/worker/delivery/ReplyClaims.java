package dev.wxai.worker.delivery;

import dev.wxai.common.redis.Keys;
import dev.wxai.worker.config.WorkerProperties;
import dev.wxai.worker.quota.DailyQuota;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Makes sure each message is answered once although Kafka delivers at least once: a record can be re-read after a
 * crash, a rebalance or a failed commit, possibly while another worker is still answering it.
 *
 * <p>{@code delivered:{msgId}} is {@code claimed:<owner>} while a worker works on the answer (the key's TTL,
 * {@code claim-ttl}, is the claim's lease: a crashed worker's message is taken over when it expires);
 * {@code sending:<piece>:<lease end>:<owner>:<s|a>:<text>} from right before the reply's first customer-service call
 * (pieces before {@code piece} went out, {@code piece} may have: WeChat's API has no idempotency key, so a crash
 * after WeChat took a piece and before the next mark leaves it unknown); {@code sent} or {@code apologized} once the
 * last piece went out. Sending states live as long as {@code delivered-ttl}, not the lease, so that the worker that
 * takes a dead sender's message over sees them, with the text, and continues from the unknown piece by
 * {@code on-ambiguous-send}. The same owner may claim again (its own retry).
 *
 * <p>A reply talks to Redis three times, each one script: the claim, which also counts the question against the
 * user's quota and reads the cached entitlement and the conversation; the first sending mark, which also confirms
 * the claim and remembers the turns; and the mark after each piece, on a connection of its own so that it never
 * waits behind other commands: its delay is the window in which a crash makes a reply ambiguous.
 */
@Component
public class ReplyClaims {

    /**
     * KEYS: delivered, quota, entitlement, session. ARGV: 'claimed:' owner, claim TTL (ms), charge the quota (1/0),
     * quota TTL (s), owner, now (ms), delivered TTL (ms). Returns {'SENT'}, {'HELD'}, {'TAKEOVER', piece, 's'|'a',
     * text, 1 if another owner's} (the sending state, now under this owner's lease) or {'CLAIMED', questions today,
     * cached entitlement or '', the session's turns...}.
     */
    private static final RedisScript<List> CLAIM = RedisScript.of("""
            local state = redis.call('GET', KEYS[1])
            if state and state ~= 'apologized' and state ~= ARGV[1] then
              if state == 'sent' then return {'SENT'} end
              local piece, lease, owner, final, text = string.match(state, '^sending:(%d+):(%d+):([^:]+):(%a):(.*)$')
              if not piece then return {'HELD'} end
              if owner ~= ARGV[5] and tonumber(lease) > tonumber(ARGV[6]) then return {'HELD'} end
              local renewed = string.format('%d', tonumber(ARGV[6]) + tonumber(ARGV[2]))
              redis.call('SET', KEYS[1], 'sending:' .. piece .. ':' .. renewed .. ':' .. ARGV[5] .. ':' .. final .. ':' .. text,
                'PX', ARGV[7])
              return {'TAKEOVER', tonumber(piece), final, text, owner ~= ARGV[5] and 1 or 0}
            end
            redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
            local used = 0
            if ARGV[3] == '1' then
              used = redis.call('INCR', KEYS[2])
              if used == 1 then redis.call('EXPIRE', KEYS[2], ARGV[4]) end
            end
            local reply = {'CLAIMED', used, redis.call('GET', KEYS[3]) or ''}
            for _, turn in ipairs(redis.call('LRANGE', KEYS[4], 0, -1)) do reply[#reply + 1] = turn end
            return reply
            """, List.class);

    /**
     * Right before the first piece: KEYS delivered, session. ARGV: owner, the sending state to write, delivered TTL
     * (ms), turns kept, session TTL (s), turns to remember... 1 when the claim is still the owner's (sending state
     * written, turns remembered), 0 when another worker took the message over.
     */
    private static final RedisScript<Long> START_SENDING = RedisScript.of("""
            local state = redis.call('GET', KEYS[1])
            if state ~= 'claimed:' .. ARGV[1] and (not state or string.match(state, '^sending:%d+:%d+:([^:]+):') ~= ARGV[1]) then
              return 0
            end
            redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
            if #ARGV > 5 then
              redis.call('RPUSH', KEYS[2], unpack(ARGV, 6))
              redis.call('LTRIM', KEYS[2], -tonumber(ARGV[4]), -1)
              redis.call('EXPIRE', KEYS[2], ARGV[5])
            end
            return 1
            """, Long.class);

    /**
     * Right after a piece went out: KEYS delivered, replies counter. ARGV: owner, the next state (the next piece's
     * sending state, 'sent' or 'apologized'), delivered TTL (ms). 1 when still the owner's, 0 when taken over.
     */
    private static final RedisScript<Long> PIECE_SENT = RedisScript.of("""
            local state = redis.call('GET', KEYS[1])
            if not state or string.match(state, '^sending:%d+:%d+:([^:]+):') ~= ARGV[1] then return 0 end
            redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
            if ARGV[2] == 'sent' then redis.call('INCR', KEYS[2]) end
            return 1
            """, Long.class);

    private final ReactiveStringRedisTemplate redis;
    private final ReactiveStringRedisTemplate marks;
    private final DailyQuota quota;
    private final Duration claimTtl;
    private final Duration deliveredTtl;
    private final WorkerProperties properties;
    private final Clock clock;

    ReplyClaims(ReactiveStringRedisTemplate redis, MarkConnection marks, DailyQuota quota, WorkerProperties properties,
                Clock clock) {
        this.redis = redis;
        this.marks = marks.redis();
        this.quota = quota;
        this.claimTtl = properties.claimTtl();
        this.deliveredTtl = properties.deliveredTtl();
        this.properties = properties;
        this.clock = clock;
    }

    /**
     * Claims the message for {@code owner} and, once claimed, reads what answering it needs.
     *
     * @param charge whether this question counts against the user's daily quota (not a command, not refused)
     */
    public Mono<Claimed> claim(String msgId, String openid, String owner, boolean charge) {
        List<String> keys = List.of(Keys.delivered(msgId), quota.key(openid), Keys.entitlement(openid), Keys.session(openid));
        List<String> args = List.of(claimed(owner), String.valueOf(claimTtl.toMillis()), charge ? "1" : "0",
                String.valueOf(DailyQuota.KEY_TTL.toSeconds()), owner, String.valueOf(clock.millis()),
                String.valueOf(deliveredTtl.toMillis()));
        return redis.execute(CLAIM, keys, args).next().map(ReplyClaims::claimed);
    }

    /**
     * Right before the reply's first piece goes out: confirms that {@code owner} still holds the claim, records that
     * piece 0 of {@code text} is being sent, and remembers {@code turns} (the question and answer as
     * {@code ConversationMemory} stores them), in one step. False when the claim expired and another worker took the
     * message over: that worker answers it, this one must not, and nothing is remembered.
     */
    public Mono<Boolean> startSending(String msgId, String openid, String owner, Final end, String text, List<String> turns) {
        List<String> args = new ArrayList<>(5 + turns.size());
        args.add(owner);
        args.add(sending(0, owner, end, text));
        args.add(String.valueOf(deliveredTtl.toMillis()));
        args.add(String.valueOf(properties.sessionTurns()));
        args.add(String.valueOf(properties.sessionTtl().toSeconds()));
        args.addAll(turns);
        return redis.execute(START_SENDING, List.of(Keys.delivered(msgId), Keys.session(openid)), args)
                .next()
                .map(confirmed -> confirmed == 1L);
    }

    /**
     * Right after piece {@code piece} of {@code pieces} went out: the next piece is being sent, or the reply is
     * {@code end}. On its own connection, written the moment WeChat answered. False when the message was taken over.
     */
    public Mono<Boolean> pieceSent(String msgId, String owner, int piece, int pieces, Final end, String text) {
        String next = piece + 1 < pieces ? sending(piece + 1, owner, end, text) : end.state;
        return marks.execute(PIECE_SENT, List.of(Keys.delivered(msgId), Keys.STATS_REPLIES),
                        List.of(owner, next, String.valueOf(deliveredTtl.toMillis())))
                .next()
                .map(marked -> marked == 1L);
    }

    /** Gives the message back (the answer could not be delivered), so that a replay may try again at once. */
    public Mono<Void> release(String msgId) {
        return redis.delete(Keys.delivered(msgId)).then();
    }

    private String sending(int piece, String owner, Final end, String text) {
        return "sending:" + piece + ":" + (clock.millis() + claimTtl.toMillis()) + ":" + owner + ":" + end.flag + ":" + text;
    }

    private static String claimed(String owner) {
        return "claimed:" + owner;
    }

    private static Claimed claimed(List<?> reply) {
        Claim claim = Claim.valueOf(String.valueOf(reply.get(0)));
        return switch (claim) {
            case CLAIMED -> {
                List<String> turns = new ArrayList<>(reply.size() - 3);
                for (int i = 3; i < reply.size(); i++) {
                    turns.add(String.valueOf(reply.get(i)));
                }
                yield new Claimed(claim, ((Number) reply.get(1)).longValue(), String.valueOf(reply.get(2)), turns, null);
            }
            case TAKEOVER -> new Claimed(claim, 0, "", List.of(), new Takeover(((Number) reply.get(1)).intValue(),
                    "a".equals(String.valueOf(reply.get(2))) ? Final.APOLOGIZED : Final.SENT, String.valueOf(reply.get(3)),
                    ((Number) reply.get(4)).intValue() == 1));
            default -> new Claimed(claim, 0, "", List.of(), null);
        };
    }

    /**
     * What the claim found: the outcome and, when claimed, the user's questions today (0 when not charged), the
     * cached entitlement ({@code ""} on a miss) and the stored conversation turns; when taken over, where the
     * sending stood.
     */
    public record Claimed(Claim claim, long questionsToday, String cachedEntitlement, List<String> storedTurns,
                          Takeover takeover) {
    }

    /**
     * A reply whose sending was under way: pieces before {@code piece} went out, {@code piece} may have.
     *
     * @param fromAnother another worker was sending (it died, or lost its lease): the piece's outcome is unknown;
     *                    false for this worker's own retry after a send failed
     */
    public record Takeover(int piece, Final end, String text, boolean fromAnother) {
    }

    /** How a reply ends once its last piece went out. */
    public enum Final {
        SENT("s", "sent"),
        APOLOGIZED("a", "apologized");

        private final String flag;
        private final String state;

        Final(String flag, String state) {
            this.flag = flag;
            this.state = state;
        }
    }

    public enum Claim {
        /** This worker answers it. */
        CLAIMED,
        /** Answered before: a redelivery. */
        SENT,
        /** Another worker is answering it right now. */
        HELD,
        /** A reply was being sent and its sender is gone (or is this worker, retrying): continue it. */
        TAKEOVER
    }
}
