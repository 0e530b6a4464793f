package dev.wxai.order.schedule;

import dev.wxai.order.config.OrderProperties;
import dev.wxai.order.outbox.OutboxRelay;
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

    @Bean
    PeriodicRunner expiredOrderSweepLoop(ExpiredOrderSweeper sweeper, OrderProperties properties) {
        return new PeriodicRunner("Expired-order sweep", properties.sweepInterval(), sweeper::sweepOnce);
    }
}
