package dev.wxai.order.reconcile;

import dev.wxai.order.config.OrderProperties;
import java.time.Clock;
import java.time.LocalTime;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The daily run: once it is past {@code wxai.order.reconcile-at} in Beijing and yesterday's bill has not been
 * reconciled yet, reconcile it. Checked every few minutes by the housekeeping schedule, so a replica that was down
 * at the hour catches up; two replicas that both run it store the same result.
 */
@Component
public class DailyReconciliation {

    private final Reconciliation reconciliation;
    private final ReconciliationRepository reports;
    private final OrderProperties properties;
    private final Clock clock;

    DailyReconciliation(Reconciliation reconciliation, ReconciliationRepository reports, OrderProperties properties, Clock clock) {
        this.reconciliation = reconciliation;
        this.reports = reports;
        this.properties = properties;
        this.clock = clock;
    }

    public Mono<Void> runIfDue() {
        if (LocalTime.now(clock.withZone(Reconciliation.BILL_ZONE)).isBefore(properties.reconcileAt())) {
            return Mono.empty();
        }
        var day = reconciliation.yesterday();
        return reports.exists(day).flatMap(done -> done ? Mono.empty() : reconciliation.run(day).then());
    }

    public Mono<ReconciliationReport> report(java.time.LocalDate day) {
        return reports.find(day);
    }
}
