package dev.wxai.worker.inbound;

import dev.wxai.common.event.Topics;
import dev.wxai.common.tracing.TraceScope;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Records the worker gave up on go to {@link Topics#INBOUND_DLT} unchanged, with where they came from and why in
 * headers, so that operators can inspect and replay them. The original offset is committed only after the
 * dead letter is acknowledged.
 */
@Component
class DeadLetters {

    static final String REASON = "wxai-dlt-reason";
    static final String ORIGIN = "wxai-dlt-origin";

    private final KafkaTemplate<String, String> kafka;
    private final Counter written;

    DeadLetters(KafkaTemplate<String, String> kafka, MeterRegistry meters) {
        this.kafka = kafka;
        this.written = Counter.builder("wxai.worker.dead.letters")
                .description("Records parked in wechat.inbound.DLT; anything above zero needs a look").register(meters);
    }

    Mono<Void> send(ConsumerRecord<String, String> record, Throwable reason) {
        ProducerRecord<String, String> dead = new ProducerRecord<>(Topics.INBOUND_DLT, record.key(), record.value());
        dead.headers().add(REASON, String.valueOf(reason).getBytes(StandardCharsets.UTF_8));
        dead.headers().add(ORIGIN, (record.topic() + "-" + record.partition() + "@" + record.offset())
                .getBytes(StandardCharsets.UTF_8));
        return TraceScope.deferWithTrace(() -> Mono.fromFuture(kafka.send(dead)))
                .subscribeOn(Schedulers.boundedElastic())
                .doOnSuccess(acknowledged -> written.increment())
                .then();
    }
}
