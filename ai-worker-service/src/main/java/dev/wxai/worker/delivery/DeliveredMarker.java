package dev.wxai.worker.delivery;

import dev.wxai.common.redis.Keys;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Remembers which messages were answered, so that a record redelivered after a crash or a rebalance is not
 * answered a second time.
 */
@Component
public class DeliveredMarker {

    private final ReactiveStringRedisTemplate redis;
    private final Duration ttl;

    DeliveredMarker(ReactiveStringRedisTemplate redis, @Value("${wxai.worker.delivered-ttl:48h}") Duration ttl) {
        this.redis = redis;
        this.ttl = ttl;
    }

    public Mono<Boolean> isDelivered(String msgId) {
        return redis.hasKey(Keys.delivered(msgId));
    }

    public Mono<Void> markDelivered(String msgId) {
        return redis.opsForValue().set(Keys.delivered(msgId), "1", ttl).then();
    }
}
