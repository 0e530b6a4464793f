package dev.wxai.order.outbox;

import dev.wxai.common.event.Topics;
import dev.wxai.order.config.OrderProperties;
import java.time.Clock;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Publishes outbox rows to {@link Topics#ORDER_EVENTS} (key = orderId), oldest first, at least once: a row is marked
 * published only after the broker acknowledged it, in the transaction that locked it (so replicas relay disjoint
 * rows). A crash between the ack and the mark publishes the row again; consumers dedupe by eventId.
 */
@Component
class OutboxRelay implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

    private final OutboxRepository outbox;
    private final KafkaTemplate<String, String> kafka;
    private final TransactionalOperator transaction;
    private final OrderProperties properties;
    private final Clock clock;
    private volatile Disposable loop;

    OutboxRelay(OutboxRepository outbox, KafkaTemplate<String, String> kafka, TransactionalOperator transaction,
                OrderProperties properties, Clock clock) {
        this.outbox = outbox;
        this.kafka = kafka;
        this.transaction = transaction;
        this.properties = properties;
        this.clock = clock;
    }

    /** One pass: how many rows were published. */
    Mono<Integer> relayOnce() {
        return outbox.lockUnpublished(properties.outboxBatch())
                .concatMap(row -> send(row).thenReturn(row.id()))
                .collectList()
                .flatMap(ids -> ids.isEmpty() ? Mono.just(0) : outbox.markPublished(ids, clock.instant()).thenReturn(ids.size()))
                .as(transaction::transactional);
    }

    private Mono<Void> send(OutboxRepository.OutboxRow row) {
        ProducerRecord<String, String> record = new ProducerRecord<>(Topics.ORDER_EVENTS, row.aggregateId(), row.payload());
        return Mono.defer(() -> Mono.fromFuture(kafka.send(record))).subscribeOn(Schedulers.boundedElastic()).then();
    }

    @Override
    public void start() {
        loop = Flux.interval(properties.outboxInterval())
                .onBackpressureDrop()
                .concatMap(tick -> relayOnce()
                        .onErrorResume(error -> {
                            log.warn("Outbox relay pass failed ({}); the rows stay for the next pass", error.toString());
                            return Mono.just(0);
                        }), 1)
                .subscribe();
    }

    @Override
    public void stop() {
        Disposable current = loop;
        if (current != null) {
            current.dispose();
        }
    }

    @Override
    public boolean isRunning() {
        Disposable current = loop;
        return current != null && !current.isDisposed();
    }
}
