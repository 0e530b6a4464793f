package dev.wxai.ingress.publish;

import dev.wxai.common.event.EventJson;
import dev.wxai.common.event.InboundMessage;
import dev.wxai.common.event.Topics;
import dev.wxai.common.tracing.TraceScope;
import dev.wxai.ingress.config.IngressProperties;
import java.time.Duration;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Publishes accepted messages to {@link Topics#INBOUND}, keyed by openid so that one user's messages keep their
 * order in one partition. The producer is idempotent with {@code acks=all} (application.yml), and the returned
 * Mono completes only after the broker acknowledged the record: the webhook answers WeChat after that, never before.
 */
@Component
public class InboundPublisher {

    private final KafkaTemplate<String, String> kafka;
    private final Duration timeout;

    InboundPublisher(KafkaTemplate<String, String> kafka, IngressProperties properties) {
        this.kafka = kafka;
        this.timeout = properties.publishTimeout();
    }

    public Mono<Void> publish(InboundMessage message) {
        ProducerRecord<String, String> record =
                new ProducerRecord<>(Topics.INBOUND, message.openid(), EventJson.write(message));
        // send() may block for metadata (up to max.block.ms) while the broker is unreachable: keep that wait
        // off the event loop.
        return TraceScope.deferWithTrace(() -> Mono.fromFuture(kafka.send(record)))
                .subscribeOn(Schedulers.boundedElastic())
                .timeout(timeout)
                .then();
    }
}
