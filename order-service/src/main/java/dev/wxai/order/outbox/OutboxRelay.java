package dev.wxai.order.outbox;

import dev.wxai.common.event.Topics;
import dev.wxai.order.config.OrderProperties;
import java.time.Clock;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Publishes outbox rows to {@link Topics#ORDER_EVENTS} (key = outTradeNo), oldest first, one at a time, at least
 * once: a row is marked published only after the broker acknowledged it. One relay runs at a time across all
 * replicas (the relay lock, held for the pass's transaction), so one order's events reach its partition in the order
 * they were written. A crash between the ack and the mark publishes the row again; consumers keep the state with the
 * highest revision, so a copy changes nothing.
 */
@Component
public class OutboxRelay {

    private final OutboxRepository outbox;
    private final KafkaTemplate<String, String> kafka;
    private final TransactionalOperator transaction;
    private final OrderProperties properties;
    private final OutboxTracing tracing;
    private final Clock clock;

    OutboxRelay(OutboxRepository outbox, KafkaTemplate<String, String> kafka, TransactionalOperator transaction,
                OrderProperties properties, OutboxTracing tracing, Clock clock) {
        this.outbox = outbox;
        this.kafka = kafka;
        this.transaction = transaction;
        this.properties = properties;
        this.tracing = tracing;
        this.clock = clock;
    }

    /** One pass: how many rows were published. */
    public Mono<Integer> relayOnce() {
        return outbox.takeRelayLock()
                .flatMap(mine -> !mine ? Mono.just(0) : outbox.unpublished(properties.outboxBatch())
                        .concatMap(row -> send(row).thenReturn(row.id()))
                        .collectList()
                        .flatMap(ids -> ids.isEmpty() ? Mono.just(0) : outbox.markPublished(ids, clock.instant()).thenReturn(ids.size())))
                .as(transaction::transactional);
    }

    private Mono<Void> send(OutboxRepository.OutboxRow row) {
        ProducerRecord<String, String> record = new ProducerRecord<>(Topics.ORDER_EVENTS, row.aggregateId(), row.payload());
        return Mono.defer(() -> Mono.fromFuture(tracing.underTrace(row.traceparent(), () -> kafka.send(record))))
                .subscribeOn(Schedulers.boundedElastic()).then();
    }
}
