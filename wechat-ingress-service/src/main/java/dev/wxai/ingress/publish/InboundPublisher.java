package dev.wxai.ingress.publish;

import dev.wxai.common.event.EventJson;
import dev.wxai.common.event.InboundMessage;
import dev.wxai.common.event.Topics;
import dev.wxai.common.tracing.TraceScope;
import dev.wxai.ingress.config.IngressProperties;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

/**
 * Publishes accepted messages to {@link Topics#INBOUND}, keyed by openid so that one user's messages keep their
 * order in one partition. The producer is idempotent with {@code acks=all} (application.yml), and the returned
 * Mono completes only after the broker acknowledged the record: the webhook answers WeChat after that, never before.
 * A record whose attempt timed out may still reach the broker later; a second publish of it is harmless (the worker
 * claims each MsgId once).
 */
@Component
public class InboundPublisher {

    private static final Duration FIRST_BACKOFF = Duration.ofMillis(200);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(1);

    private final KafkaTemplate<String, String> kafka;
    private final Duration timeout;

    InboundPublisher(KafkaTemplate<String, String> kafka, IngressProperties properties) {
        this.kafka = kafka;
        this.timeout = properties.publishTimeout();
    }

    /**
     * Publishes {@code message}, trying again after a failed attempt while {@code deadline} (a {@link System#nanoTime()})
     * leaves time: a broker that is away for a few seconds costs a WeChat delivery its hold, not the message. Each
     * attempt waits at most {@code publish-timeout}, and never past the deadline. Fails with the last attempt's error.
     */
    public Mono<Void> publish(InboundMessage message, long deadline) {
        ProducerRecord<String, String> record =
                new ProducerRecord<>(Topics.INBOUND, message.openid(), EventJson.write(message));
        return Mono.defer(() -> attempt(record, deadline))
                .retryWhen(Retry.backoff(Long.MAX_VALUE, FIRST_BACKOFF).maxBackoff(MAX_BACKOFF)
                        .filter(error -> deadline - System.nanoTime() > FIRST_BACKOFF.toNanos())
                        .onRetryExhaustedThrow((spec, signal) -> signal.failure()));
    }

    private Mono<Void> attempt(ProducerRecord<String, String> record, long deadline) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            return Mono.error(new TimeoutException("no time left in this delivery to publish"));
        }
        // send() may block for metadata (up to max.block.ms) while the broker is unreachable: keep that wait
        // off the event loop.
        return TraceScope.deferWithTrace(() -> Mono.fromFuture(kafka.send(record)))
                .subscribeOn(Schedulers.boundedElastic())
                .timeout(Duration.ofNanos(Math.min(left, timeout.toNanos())))
                .then();
    }
}
