package dev.wxai.order.payment;

import dev.wxai.order.order.OrderTransitions;
import dev.wxai.order.order.OrderTransitions.RefundTicket;
import dev.wxai.order.order.OrderViews.RefundAccepted;
import dev.wxai.order.pay.WechatPayClient;
import dev.wxai.order.pay.WechatPayException;
import dev.wxai.order.web.ApiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * Operators' refunds. The refund is recorded PROCESSING first, then asked of WeChat Pay: a 4xx means it never
 * started (recorded CLOSED, the order as before); no answer or a 5xx leaves it PROCESSING for the refund sweep to
 * query, since WeChat Pay may have taken it. Asking again with the same out_refund_no is the same refund there.
 */
@Service
public class RefundService {

    private static final Logger log = LoggerFactory.getLogger(RefundService.class);

    private final OrderTransitions transitions;
    private final WechatPayClient wechatPay;

    RefundService(OrderTransitions transitions, WechatPayClient wechatPay) {
        this.transitions = transitions;
        this.wechatPay = wechatPay;
    }

    /** @param amountFen null: all that is left of the order */
    public Mono<RefundAccepted> refundOrder(String outTradeNo, Long amountFen, String reason) {
        return transitions.refundRequested(outTradeNo, amountFen, reason).flatMap(ticket -> ask(ticket, reason));
    }

    /** A payment flagged {@code needs_refund}: paid after its order closed, owed back whole. */
    public Mono<RefundAccepted> refundPayment(String transactionId, String reason) {
        return transitions.strayRefundRequested(transactionId, reason).flatMap(ticket -> ask(ticket, reason));
    }

    private Mono<RefundAccepted> ask(RefundTicket ticket, String reason) {
        RefundAccepted accepted = new RefundAccepted(ticket.outTradeNo(), ticket.transactionId(), ticket.outRefundNo(),
                ticket.amountFen(), ticket.orderStatus());
        return wechatPay.refund(ticket.outTradeNo(), ticket.outRefundNo(), reason, ticket.amountFen(), ticket.totalFen())
                .thenReturn(accepted)
                .onErrorResume(WechatPayException.class, refused -> refused.status() >= 400 && refused.status() < 500
                        ? transitions.refundRefused(ticket.outRefundNo())
                                .then(Mono.error(new ApiException(HttpStatus.BAD_GATEWAY, "refund_refused",
                                        "WeChat Pay refused the refund: " + refused.code())))
                        : unknown(accepted, refused))
                .onErrorResume(error -> !(error instanceof ApiException), error -> unknown(accepted, error));
    }

    /** WeChat Pay may or may not have it: the refund stays PROCESSING and the sweep asks WeChat Pay later. */
    private Mono<RefundAccepted> unknown(RefundAccepted accepted, Throwable error) {
        log.warn("Refund {} got no clear answer ({}); the refund sweep will query it", accepted.outRefundNo(), error.toString());
        return Mono.just(accepted);
    }
}
