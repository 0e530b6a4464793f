package dev.wxai.worker.entitlement;

import dev.wxai.common.event.EventJson;
import dev.wxai.common.event.MalformedEventException;
import dev.wxai.common.event.OrderEvent;
import dev.wxai.common.event.Topics;
import dev.wxai.common.log.Masking;
import dev.wxai.common.redis.Keys;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Keeps {@code entitlement:{openid}} in step with paid memberships, from {@link Topics#ORDER_EVENTS}. The value is
 * the membership's end (epoch milliseconds) and the key expires then, so the quota needs only to ask whether it
 * exists. A paid membership extends from today or from the current end, whichever is later; a refund takes its
 * days back. Events arrive at least once: one Lua script records the eventId and applies the change together.
 */
@Component
class EntitlementListener {

    private static final Logger log = LoggerFactory.getLogger(EntitlementListener.class);
    private static final Duration SEEN_FOR = Duration.ofDays(7);

    private static final RedisScript<Long> APPLY = RedisScript.of("""
            if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[4]) then return 0 end
            local now = tonumber(ARGV[2])
            local span = tonumber(ARGV[3])
            if span <= 0 then return 1 end
            local current = tonumber(redis.call('GET', KEYS[2]) or '0')
            local ends
            if ARGV[1] == 'ORDER_PAID' then
              ends = math.max(current, now) + span
            else
              ends = current - span
            end
            if ends <= now then
              redis.call('DEL', KEYS[2])
            else
              redis.call('SET', KEYS[2], string.format('%d', ends), 'PX', ends - now)
            end
            return 1
            """, Long.class);

    private final ReactiveStringRedisTemplate redis;
    private final Clock clock;

    EntitlementListener(ReactiveStringRedisTemplate redis, Clock clock) {
        this.redis = redis;
        this.clock = clock;
    }

    @KafkaListener(id = "entitlements", topics = Topics.ORDER_EVENTS, groupId = "ai-worker-entitlements")
    Mono<Void> onOrderEvent(String value) {
        OrderEvent event;
        try {
            event = EventJson.read(value, OrderEvent.class);
        } catch (MalformedEventException poison) {
            log.warn("Unreadable order event skipped: {}", poison.getMessage());
            return Mono.empty();
        }
        long span = "MEMBERSHIP".equals(event.entitlement()) && event.days() != null
                ? Duration.ofDays(event.days()).toMillis() : 0;
        return redis.execute(APPLY, List.of(Keys.orderEventSeen(event.eventId()), Keys.entitlement(event.openid())),
                        List.of(event.type(), String.valueOf(clock.millis()), String.valueOf(span),
                                String.valueOf(SEEN_FOR.toSeconds())))
                .next()
                .doOnNext(applied -> log.info("{} {} for {} ({})", applied == 1 ? "Applied" : "Already applied",
                        event.type(), Masking.openid(event.openid()), event.sku()))
                .then();
    }
}
