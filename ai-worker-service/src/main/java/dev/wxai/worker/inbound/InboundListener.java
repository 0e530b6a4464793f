package dev.wxai.worker.inbound;

import dev.wxai.common.event.EventJson;
import dev.wxai.common.event.InboundMessage;
import dev.wxai.common.event.MalformedEventException;
import dev.wxai.common.event.Topics;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Consumes {@link Topics#INBOUND}. The listener returns at once with a future, so one consumer thread keeps many
 * users' calls in flight; the container commits an offset only when every earlier record of its partition is
 * done (async acks), and {@link PerUserSequencer} keeps one user's messages in order.
 */
@Component
class InboundListener {

    private static final Logger log = LoggerFactory.getLogger(InboundListener.class);

    private final ReplyPipeline pipeline;
    private final PerUserSequencer sequencer;
    private final DeadLetters deadLetters;

    InboundListener(ReplyPipeline pipeline, PerUserSequencer sequencer, DeadLetters deadLetters) {
        this.pipeline = pipeline;
        this.sequencer = sequencer;
        this.deadLetters = deadLetters;
    }

    @KafkaListener(id = "inbound", topics = Topics.INBOUND)
    CompletableFuture<Void> onRecord(ConsumerRecord<String, String> record) {
        InboundMessage message;
        try {
            message = EventJson.read(record.value(), InboundMessage.class);
            if (message.v() != InboundMessage.VERSION || message.openid() == null || message.msgId() == null) {
                throw new MalformedEventException("unsupported inbound message (v=" + message.v() + ")", null);
            }
        } catch (MalformedEventException poison) {
            log.warn("Poison record at {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), poison.getMessage());
            return deadLetters.send(record, poison).toFuture();
        }
        return sequencer.submit(message.openid(), () -> pipeline.handle(message)
                .onErrorResume(error -> giveUp(record, message, error)));
    }

    private Mono<Void> giveUp(ConsumerRecord<String, String> record, InboundMessage message, Throwable error) {
        log.warn("Message {} could not be answered: {}", message.msgId(), error.toString());
        return deadLetters.send(record, error);
    }
}
