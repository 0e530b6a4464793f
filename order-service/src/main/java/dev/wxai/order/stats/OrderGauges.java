package dev.wxai.order.stats;

import dev.wxai.order.order.OrderStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Orders by status ({@code wxai_orders{status}}) and unpublished outbox rows ({@code wxai_outbox_pending}) as
 * gauges, read from MySQL by a periodic pass (HousekeepingSchedule), never on a scrape: a scrape must not wait on
 * the database. Every replica reports the same totals; dashboards take the max, not the sum.
 */
@Component
public class OrderGauges {

    private final DatabaseClient db;
    private final Map<OrderStatus, AtomicLong> byStatus = new EnumMap<>(OrderStatus.class);
    private final AtomicLong outboxPending = new AtomicLong();

    OrderGauges(DatabaseClient db, MeterRegistry meters) {
        this.db = db;
        for (OrderStatus status : OrderStatus.values()) {
            AtomicLong count = new AtomicLong();
            byStatus.put(status, count);
            Gauge.builder("wxai.orders", count, AtomicLong::get).tag("status", status.name())
                    .description("Orders in this status (all replicas report the same total)").register(meters);
        }
        Gauge.builder("wxai.outbox.pending", outboxPending, AtomicLong::get)
                .description("Order events written but not yet published to Kafka").register(meters);
    }

    public Mono<Void> refresh() {
        Mono<Void> statuses = db.sql("SELECT status, COUNT(*) AS n FROM orders GROUP BY status")
                .map(row -> Map.entry(row.get("status", String.class), row.get("n", Long.class)))
                .all()
                .collectMap(Map.Entry::getKey, Map.Entry::getValue)
                .doOnNext(counts -> byStatus.forEach((status, gauge) -> gauge.set(counts.getOrDefault(status.name(), 0L))))
                .then();
        Mono<Void> outbox = db.sql("SELECT COUNT(*) AS n FROM outbox WHERE published_at IS NULL")
                .map(row -> row.get("n", Long.class)).one()
                .doOnNext(outboxPending::set)
                .then();
        return statuses.then(outbox);
    }
}
