package dev.wxai.worker.entitlement;

import dev.wxai.common.event.EventJson;
import dev.wxai.common.event.OrderEvent;
import dev.wxai.common.event.Topics;
import dev.wxai.common.log.Masking;
import dev.wxai.common.redis.Keys;
import dev.wxai.worker.config.EntitlementProperties;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Keeps {@code entitlement:{openid}} in step with MySQL's record, from {@link Topics#ORDER_EVENTS}: each event
 * carries the user's entitlement after the change and its revision, and the cache keeps the highest revision, so
 * copies and events of other orders arriving out of order change nothing.
 *
 * <p>This runs on the listener container's own consumer thread, not on an event loop, so it uses the blocking Redis
 * template: a failure (Redis down) then propagates to the container's error handler, which retries with back-off
 * and finally dead-letters the record ({@code WorkerKafkaConfig}); no event is skipped silently.
 */
@Component
class EntitlementListener {

    private static final Logger log = LoggerFactory.getLogger(EntitlementListener.class);

    private final StringRedisTemplate redis;
    private final EntitlementProperties properties;
    private final Clock clock;

    EntitlementListener(StringRedisTemplate redis, EntitlementProperties properties, Clock clock) {
        this.redis = redis;
        this.properties = properties;
        this.clock = clock;
    }

    @KafkaListener(id = "entitlements", topics = Topics.ORDER_EVENTS, groupId = "ai-worker-entitlements")
    void onOrderEvent(String value) {
        OrderEvent event = EventJson.read(value, OrderEvent.class); // unreadable: dead-lettered at once
        if (event.revision() <= 0) {
            // Written before events carried the entitlement: drop the cached entry, the next question refills it from
            // MySQL's record instead of trusting a state this event cannot tell.
            redis.delete(Keys.entitlement(event.openid()));
            log.info("{} of {} carries no revision; cache of {} dropped", event.type(), event.orderId(), Masking.openid(event.openid()));
            return;
        }
        Long written = redis.execute(EntitlementCache.KEEP_NEWEST, EntitlementCache.keys(event.openid()),
                EntitlementCache.args(event.revision(), event.membershipUntil(), properties, clock).toArray(String[]::new));
        log.info("{} {} of {} for {} (revision {})", Long.valueOf(1).equals(written) ? "Cached" : "Already newer than",
                event.type(), event.orderId(), Masking.openid(event.openid()), event.revision());
    }
}
