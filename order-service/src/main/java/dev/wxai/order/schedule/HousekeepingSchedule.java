package dev.wxai.order.schedule;

import dev.wxai.order.config.OrderProperties;
import dev.wxai.order.outbox.OutboxRelay;
import dev.wxai.order.payment.RefundSweeper;
import dev.wxai.order.reconcile.DailyReconciliation;
import dev.wxai.order.stats.OrderGauges;
import java.time.Duration;
import dev.wxai.order.sweep.ExpiredOrderSweeper;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The order-service's background work and how often it runs (wxai.order.*-interval). */
@Configuration
class HousekeepingSchedule {

    @Bean
    PeriodicRunner outboxRelayLoop(OutboxRelay relay, OrderProperties properties) {
        return new PeriodicRunner("Outbox relay", properties.outboxInterval(), relay::relayOnce);
    }

    /** Every 15 s: often enough for a dashboard, rare enough to cost the database nothing. */
    @Bean
    PeriodicRunner orderGaugesLoop(OrderGauges gauges) {
        return new PeriodicRunner("Order gauges", Duration.ofSeconds(15), gauges::refresh);
    }

    /** Refunds whose notification is late or lost, on the same rhythm as the expired-order sweep. */
    @Bean
    PeriodicRunner refundSweepLoop(RefundSweeper sweeper, OrderProperties properties) {
        return new PeriodicRunner("Refund sweep", properties.sweepInterval(), sweeper::sweepOnce);
    }

    /** Every 5 minutes: is yesterday's bill due and not yet reconciled? */
    @Bean
    PeriodicRunner dailyReconciliationLoop(DailyReconciliation reconciliation) {
        return new PeriodicRunner("Daily reconciliation", Duration.ofMinutes(5), reconciliation::runIfDue);
    }

    @Bean
    PeriodicRunner expiredOrderSweepLoop(ExpiredOrderSweeper sweeper, OrderProperties properties) {
        return new PeriodicRunner("Expired-order sweep", properties.sweepInterval(), sweeper::sweepOnce);
    }
}
