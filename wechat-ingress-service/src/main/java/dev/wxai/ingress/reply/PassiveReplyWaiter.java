package dev.wxai.ingress.reply;

import dev.wxai.common.redis.Keys;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.ReactiveRedisMessageListenerContainer;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.retry.Retry;

/**
 * Passive mode: holds a WeChat delivery open until the worker has stored the answer, whichever replica the
 * delivery landed on. The worker writes {@code answer:{msgId}} and then publishes the msgId on
 * {@link Keys#ANSWERS_CHANNEL}; every replica listens on that one channel and wakes the deliveries it holds.
 * Nothing polls: a waiting delivery costs a map entry and a timer.
 */
@Component
public class PassiveReplyWaiter implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PassiveReplyWaiter.class);

    private final ReactiveStringRedisTemplate redis;
    private final ReactiveRedisConnectionFactory connections;
    /**
     * The deliveries waiting per msgId. WeChat's next delivery arrives while the one before is still held, so two
     * may wait for the same answer on one replica: the signal lives until the last of them leaves.
     */
    private final ConcurrentHashMap<String, Waiters> waiting = new ConcurrentHashMap<>();
    private volatile Disposable subscription;

    PassiveReplyWaiter(ReactiveStringRedisTemplate redis, ReactiveRedisConnectionFactory connections) {
        this.redis = redis;
        this.connections = connections;
    }

    /** The answer to {@code msgId}, as soon as it exists, or empty after {@code timeout}. */
    public Mono<String> await(String msgId, Duration timeout) {
        return Mono.defer(() -> {
            Waiters waiters = waiting.compute(msgId, (id, present) -> present == null ? new Waiters() : present.joined());
            // Registered before the first read: an answer published in between wakes the signal, one stored before
            // is found by the read.
            return answer(msgId)
                    .switchIfEmpty(waiters.signal.asMono().then(Mono.defer(() -> answer(msgId))))
                    .timeout(timeout, Mono.empty())
                    .doFinally(outcome -> waiting.computeIfPresent(msgId, (id, present) -> present.left()));
        });
    }

    /** The waiters of one msgId and the signal that wakes them all. */
    private static final class Waiters {

        private final Sinks.Empty<Void> signal = Sinks.empty();
        private int count = 1;

        /** Under the map's lock for this msgId. */
        Waiters joined() {
            count++;
            return this;
        }

        /** Under the map's lock for this msgId; null removes the entry. */
        Waiters left() {
            return --count == 0 ? null : this;
        }
    }

    private Mono<String> answer(String msgId) {
        return redis.opsForValue().get(Keys.answer(msgId));
    }

    @Override
    public void start() {
        subscription = Flux.usingWhen(
                        Mono.fromCallable(() -> new ReactiveRedisMessageListenerContainer(connections)),
                        container -> container.receive(ChannelTopic.of(Keys.ANSWERS_CHANNEL)),
                        ReactiveRedisMessageListenerContainer::destroyLater)
                .doOnNext(message -> {
                    Waiters waiters = waiting.get(message.getMessage());
                    if (waiters != null) {
                        waiters.signal.tryEmitEmpty();
                    }
                })
                // A lost Redis connection ends the subscription; come back when Redis does.
                .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(200)).maxBackoff(Duration.ofSeconds(5))
                        .doBeforeRetry(retry -> log.warn("Answer channel subscription lost ({}); resubscribing",
                                retry.failure().toString())))
                .subscribe();
    }

    @Override
    public void stop() {
        Disposable current = subscription;
        if (current != null) {
            current.dispose();
        }
    }

    @Override
    public boolean isRunning() {
        Disposable current = subscription;
        return current != null && !current.isDisposed();
    }
}
