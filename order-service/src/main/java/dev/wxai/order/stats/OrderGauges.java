package dev.wxai.order.stats;

import dev.wxai.order.order.OrderStatus;
import dev.wxai.order.config.OrderProperties;
import io.micrometer.core.instrument.Gauge;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Orders by status ({@code wxai_orders{status}}), unpublished outbox rows ({@code wxai_outbox_pending}), refunds
 * stuck in PROCESSING ({@code wxai_refunds_stuck}) and payments owed back ({@code wxai_payments_needing_refund}) as
 * gauges, read from MySQL by a periodic pass (HousekeepingSchedule), never on a scrape: a scrape must not wait on
 * the database. Every replica reports the same totals; dashboards take the max, not the sum.
 */
@Component
public class OrderGauges {

    private final DatabaseClient db;
    private final Map<OrderStatus, AtomicLong> byStatus = new EnumMap<>(OrderStatus.class);
    private final AtomicLong outboxPending = new AtomicLong();
    private final AtomicLong refundsStuck = new AtomicLong();
    private final AtomicLong paymentsOwed = new AtomicLong();
    private final OrderProperties properties;
    private final Clock clock;

    OrderGauges(DatabaseClient db, MeterRegistry meters, OrderProperties properties, Clock clock) {
        this.db = db;
        this.properties = properties;
        this.clock = clock;
        Gauge.builder("wxai.refunds.stuck", refundsStuck, AtomicLong::get)
                .description("Refunds still PROCESSING longer than wxai.order.refund-alert-after").register(meters);
        Gauge.builder("wxai.payments.needing.refund", paymentsOwed, AtomicLong::get)
                .description("Payments for orders that had closed, owed back until an operator refunds them").register(meters);
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
        Mono<Void> stuck = db.sql("SELECT COUNT(*) AS n FROM refunds WHERE status = 'PROCESSING' AND requested_at < :before")
                .bind("before", LocalDateTime.ofInstant(clock.instant().minus(properties.refundAlertAfter()), ZoneOffset.UTC))
                .map(row -> row.get("n", Long.class)).one()
                .doOnNext(refundsStuck::set)
                .then();
        Mono<Void> owed = db.sql("SELECT COUNT(*) AS n FROM payments WHERE needs_refund")
                .map(row -> row.get("n", Long.class)).one()
                .doOnNext(paymentsOwed::set)
                .then();
        return statuses.then(outbox).then(stuck).then(owed);
    }
}
