package dev.wxai.order.payment;

import dev.wxai.order.order.OrderTransitions.Outcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/**
 * Money as the dashboards see it: payments by outcome ({@code paid} changed an order, {@code duplicate} was a copy,
 * {@code closed_order} was kept for a refund, {@code rescued} was found by the sweep), refunds settled by status,
 * revenue in fen, and notifications accepted or rejected. Counters per instance; sum them across replicas.
 */
@Component
public class PaymentMetrics {

    private final MeterRegistry registry;
    private final Counter revenue;

    PaymentMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.revenue = Counter.builder("wxai.revenue.fen").description("Fen of payments that made an order PAID")
                .register(registry);
    }

    void recorded(Outcome outcome, long amountFen) {
        switch (outcome) {
            case CHANGED -> {
                payment("paid");
                revenue.increment(amountFen);
            }
            case DUPLICATE -> payment("duplicate");
            case FLAGGED_FOR_REFUND -> payment("closed_order");
            case IGNORED -> { }
        }
    }

    void refund(Outcome outcome, String state) {
        if (outcome == Outcome.CHANGED) {
            registry.counter("wxai.refunds.settled", "status", state).increment();
        }
    }

    public void rescued() {
        payment("rescued");
    }

    void notification(boolean accepted) {
        registry.counter("wxai.pay.notifications", "outcome", accepted ? "accepted" : "rejected").increment();
    }

    private void payment(String outcome) {
        registry.counter("wxai.payments", "outcome", outcome).increment();
    }
}
