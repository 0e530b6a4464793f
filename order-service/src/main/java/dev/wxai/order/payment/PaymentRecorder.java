package dev.wxai.order.payment;

import dev.wxai.order.config.PayProperties;
import dev.wxai.order.order.OrderTransitions;
import dev.wxai.order.order.OrderTransitions.Outcome;
import dev.wxai.order.pay.PayApi;
import dev.wxai.order.pay.RejectedNotification;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * What WeChat Pay says happened (a notification, or the answer to a query) checked against our merchant account,
 * then handed to {@link OrderTransitions}: a transaction that is not ours, or a refund for another merchant, changes
 * nothing and is refused.
 */
@Component
public class PaymentRecorder {

    private final OrderTransitions transitions;
    private final PayProperties pay;
    private final PaymentMetrics metrics;
    private final Clock clock;

    PaymentRecorder(OrderTransitions transitions, PayProperties pay, PaymentMetrics metrics, Clock clock) {
        this.transitions = transitions;
        this.pay = pay;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** @param raw the decrypted transaction as WeChat Pay sent it, kept with the payment */
    public Mono<Outcome> paid(PayApi.Transaction transaction, String raw) {
        if (!pay.appId().equals(transaction.appid()) || !pay.mchId().equals(transaction.mchid())) {
            return Mono.error(new RejectedNotification(HttpStatus.BAD_REQUEST, "appid or mchid is not ours"));
        }
        if (!"SUCCESS".equals(transaction.tradeState())) {
            return Mono.just(Outcome.IGNORED);
        }
        if (blank(transaction.transactionId()) || blank(transaction.outTradeNo())) {
            return Mono.error(new RejectedNotification(HttpStatus.BAD_REQUEST, "transaction_id or out_trade_no is missing"));
        }
        return transitions.paid(new OrderTransitions.PaidTransaction(transaction.outTradeNo(), transaction.transactionId(),
                        transaction.totalFen(), time(transaction.successTime()), raw))
                .doOnNext(outcome -> metrics.recorded(outcome, transaction.totalFen()));
    }

    /** A REFUND.* notification's resource, or the refund query's answer. */
    public Mono<Outcome> refund(PayApi.Refund refund) {
        if (refund.mchid() != null && !pay.mchId().equals(refund.mchid())) {
            return Mono.error(new RejectedNotification(HttpStatus.BAD_REQUEST, "mchid is not ours"));
        }
        if (blank(refund.outRefundNo()) || blank(refund.outTradeNo()) || blank(refund.state())) {
            return Mono.error(new RejectedNotification(HttpStatus.BAD_REQUEST, "out_refund_no, out_trade_no or the status is missing"));
        }
        return transitions.refundSettled(new OrderTransitions.RefundResult(refund.outTradeNo(), refund.transactionId(),
                        refund.outRefundNo(), refund.refundId(), refund.state(), refund.refundFen(), refund.totalFen(),
                        refund.successTime() == null ? null : time(refund.successTime())))
                .doOnNext(outcome -> metrics.refund(outcome, refund.state()));
    }

    private static boolean blank(String text) {
        return text == null || text.isBlank();
    }

    private Instant time(String text) {
        try {
            return text == null || text.isBlank() ? clock.instant() : OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            return clock.instant();
        }
    }
}
