package dev.wxai.order.payment;

import dev.wxai.order.config.OrderProperties;
import dev.wxai.order.order.OrderTransitions;
import dev.wxai.order.order.RefundRepository;
import dev.wxai.order.order.RefundRepository.Refund;
import dev.wxai.order.pay.WechatPayClient;
import dev.wxai.order.pay.WechatPayException;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Refunds still PROCESSING well after they were asked for: their notification was lost or is late. Each is queried at
 * WeChat Pay ({@code GET /v3/refund/domestic/refunds/{out_refund_no}}) and settled from the answer exactly as a
 * notification would settle it; one WeChat Pay never heard of is closed. Settling is conditional, so a notification
 * arriving at the same moment changes the refund once.
 * https://pay.weixin.qq.com/docs/merchant/apis/refund/refunds/query-by-out-refund-no.html
 */
@Component
public class RefundSweeper {

    private static final Logger log = LoggerFactory.getLogger(RefundSweeper.class);

    private final RefundRepository refunds;
    private final WechatPayClient wechatPay;
    private final PaymentRecorder recorder;
    private final OrderTransitions transitions;
    private final OrderProperties properties;
    private final Clock clock;

    RefundSweeper(RefundRepository refunds, WechatPayClient wechatPay, PaymentRecorder recorder, OrderTransitions transitions,
                  OrderProperties properties, Clock clock) {
        this.refunds = refunds;
        this.wechatPay = wechatPay;
        this.recorder = recorder;
        this.transitions = transitions;
        this.properties = properties;
        this.clock = clock;
    }

    /** One pass: how many refunds it settled. */
    public Mono<Integer> sweepOnce() {
        return refunds.pendingSince(clock.instant().minus(properties.refundQueryAfter()), properties.sweepBatch())
                .concatMap(this::settle)
                .reduce(0, Integer::sum);
    }

    private Mono<Integer> settle(Refund refund) {
        return wechatPay.queryRefund(refund.outRefundNo())
                .flatMap(answer -> recorder.refund(answer)
                        .map(outcome -> outcome == OrderTransitions.Outcome.CHANGED ? 1 : 0))
                .onErrorResume(WechatPayException.class, error -> "RESOURCE_NOT_EXISTS".equals(error.code())
                        ? transitions.refundRefused(refund.outRefundNo()).thenReturn(1) // never reached WeChat Pay
                        : Mono.error(error))
                .onErrorResume(error -> {
                    log.warn("Could not settle refund {}: {}", refund.outRefundNo(), error.toString());
                    return Mono.just(0);
                });
    }
}
