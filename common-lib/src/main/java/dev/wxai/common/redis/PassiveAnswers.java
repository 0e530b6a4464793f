package dev.wxai.common.redis;

import java.time.Duration;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.publisher.Mono;

/**
 * The hand-over of an answer from the worker to whichever ingress replica holds the user's WeChat delivery in
 * passive mode: store {@code answer:{msgId}} first, then announce the msgId on {@link Keys#ANSWERS_CHANNEL}, so
 * that a replica woken by the announcement always finds the answer.
 */
public final class PassiveAnswers {

    private final ReactiveStringRedisTemplate redis;
    private final Duration ttl;

    /** @param ttl how long an uncollected answer is kept */
    public PassiveAnswers(ReactiveStringRedisTemplate redis, Duration ttl) {
        this.redis = redis;
        this.ttl = ttl;
    }

    public Mono<Void> store(String msgId, String answer) {
        return redis.opsForValue().set(Keys.answer(msgId), answer, ttl)
                .then(redis.convertAndSend(Keys.ANSWERS_CHANNEL, msgId))
                .then();
    }
}
