package dev.wxai.worker.inbound;

import dev.wxai.common.event.EventJson;
import dev.wxai.common.event.InboundMessage;
import dev.wxai.common.event.MalformedEventException;
import dev.wxai.common.tracing.TraceScope;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * One inbound record, start to finish. The returned future completes only when the record may be committed:
 * answered, or parked in the dead-letter topic. It never completes exceptionally: a record that cannot even be
 * dead-lettered (the broker is away) is retried until it can, so that no record is committed unhandled.
 */
@Component
class InboundRecordHandler {

    private static final Logger log = LoggerFactory.getLogger(InboundRecordHandler.class);

    /** Infrastructure failures (Redis, the network) are retried for about two minutes before dead-lettering. */
    private static final Retry INFRASTRUCTURE = Retry.backoff(8, Duration.ofMillis(500)).maxBackoff(Duration.ofSeconds(30));
    private static final Retry UNTIL_PARKED = Retry.backoff(Long.MAX_VALUE, Duration.ofSeconds(1))
            .maxBackoff(Duration.ofSeconds(30));

    private final ReplyPipeline pipeline;
    private final PerUserSequencer sequencer;
    private final DeadLetters deadLetters;
    private final RecordObservation observation;

    InboundRecordHandler(ReplyPipeline pipeline, PerUserSequencer sequencer, DeadLetters deadLetters,
                         RecordObservation observation) {
        this.pipeline = pipeline;
        this.sequencer = sequencer;
        this.deadLetters = deadLetters;
        this.observation = observation;
    }

    CompletableFuture<Void> handle(ConsumerRecord<String, String> record) {
        InboundMessage message;
        try {
            message = EventJson.read(record.value(), InboundMessage.class);
            if (message.v() != InboundMessage.VERSION || message.openid() == null || message.msgId() == null) {
                throw new MalformedEventException("unsupported inbound message (v=" + message.v() + ")", null);
            }
        } catch (MalformedEventException poison) {
            log.warn("Poison record at {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), poison.getMessage());
            return observation.around(record, park(record, poison)).toFuture();
        }
        return sequencer.submit(message.openid(), () -> observation.around(record, pipeline.handle(message, record)
                .retryWhen(INFRASTRUCTURE)
                .onErrorResume(error -> TraceScope.logged(
                                () -> log.error("Message {} failed after retries; dead-lettered", message.msgId(), error))
                        .then(park(record, error)))));
    }

    private Mono<Void> park(ConsumerRecord<String, String> record, Throwable reason) {
        return deadLetters.send(record, reason).retryWhen(UNTIL_PARKED);
    }
}
