package dev.wxai.order.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.wxai.common.event.Topics;
import dev.wxai.order.OrderServiceStack;
import dev.wxai.order.config.OrderProperties;
import dev.wxai.testsupport.KafkaBroker;
import dev.wxai.testsupport.TopicSnapshot;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;

/**
 * Two relays (as on two replicas, plus the service's own) racing over one outbox, one row per pass: every order's
 * events still reach Kafka in the order they were written.
 */
class TwoRelaysIT extends OrderServiceStack {

    @Autowired
    OutboxRepository outbox;
    @Autowired
    KafkaTemplate<String, String> kafka;
    @Autowired
    TransactionalOperator transaction;
    @Autowired
    OrderProperties properties;
    @Autowired
    OutboxTracing tracing;

    @Test
    void eventsPublishedByTwoRelaysArriveInPerOrderOrder() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<String> orders = IntStream.range(0, 20).mapToObj(i -> "WXRELAY" + run + i).toList();
        // Each order's three events next to each other: the rows two relays would otherwise split between them.
        for (String order : orders) {
            for (int seq = 1; seq <= 3; seq++) {
                outbox.insert(order, "ORDER_TEST", "{\"order\":\"" + order + "\",\"seq\":" + seq + "}", Instant.now()).block();
            }
        }
        OrderProperties onePerPass = new OrderProperties(properties.expiry(), properties.notifyMaxAge(), properties.sweepInterval(),
                properties.sweepBatch(), properties.outboxInterval(), 1, properties.partialRefund(), properties.refundQueryAfter(),
                properties.refundAlertAfter(), properties.reconcileAt());
        OutboxRelay first = new OutboxRelay(outbox, kafka, transaction, onePerPass, tracing, Clock.systemUTC());
        OutboxRelay second = new OutboxRelay(outbox, kafka, transaction, onePerPass, tracing, Clock.systemUTC());

        await().atMost(Duration.ofSeconds(60)).until(() -> {
            Flux.merge(first.relayOnce(), second.relayOnce()).blockLast(Duration.ofSeconds(30));
            return count("SELECT COUNT(*) AS n FROM outbox WHERE published_at IS NULL AND aggregate_id LIKE 'WXRELAY" + run + "%'") == 0;
        });

        List<ConsumerRecord<String, String>> records = TopicSnapshot.read(KafkaBroker.embedded().bootstrapServers(),
                Topics.ORDER_EVENTS, record -> record.key() != null && record.key().startsWith("WXRELAY" + run));
        for (String order : orders) {
            List<Integer> sequence = new ArrayList<>();
            records.stream().filter(record -> record.key().equals(order))
                    .forEach(record -> sequence.add(JSON.readTree(record.value()).path("seq").asInt()));
            assertThat(sequence).as(order).hasSize(3).isSorted();
        }
    }
}
