package dev.wxai.order.sweep;

import dev.wxai.order.config.OrderProperties;
import dev.wxai.order.order.Order;
import dev.wxai.order.order.OrderRepository;
import dev.wxai.order.order.OrderTransitions;
import dev.wxai.order.pay.PayApi;
import dev.wxai.order.pay.WechatPayClient;
import dev.wxai.order.payment.PaymentMetrics;
import dev.wxai.order.payment.PaymentRecorder;
import dev.wxai.order.pay.WechatPayException;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Orders still CREATED after their expiry: either never paid (close them at WeChat Pay, then here) or paid with a
 * notification that never arrived (record the payment from the query). Every change is conditional, so sweeps on
 * several replicas at once close an order once and never close a paid one.
 * https://pay.weixin.qq.com/docs/merchant/apis/jsapi-payment/query-by-out-trade-no.html
 */
@Component
public class ExpiredOrderSweeper {

    private static final Logger log = LoggerFactory.getLogger(ExpiredOrderSweeper.class);

    private final OrderRepository orders;
    private final OrderTransitions transitions;
    private final WechatPayClient wechatPay;
    private final PaymentRecorder payments;
    private final OrderProperties properties;
    private final PaymentMetrics metrics;
    private final Clock clock;

    ExpiredOrderSweeper(OrderRepository orders, OrderTransitions transitions, WechatPayClient wechatPay, PaymentRecorder payments,
                        OrderProperties properties, PaymentMetrics metrics, Clock clock) {
        this.orders = orders;
        this.transitions = transitions;
        this.wechatPay = wechatPay;
        this.payments = payments;
        this.properties = properties;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** One pass over expired CREATED orders. */
    public Mono<Result> sweepOnce() {
        return orders.findExpiredCreated(clock.instant(), properties.sweepBatch())
                .concatMap(this::settle)
                .reduce(new Result(0, 0), Result::plus);
    }

    private Mono<Result> settle(Order order) {
        return wechatPay.query(order.outTradeNo())
                .flatMap(transaction -> switch (String.valueOf(transaction.tradeState())) {
                    case "SUCCESS" -> payments.paid(transaction, PayApi.write(transaction))
                            .map(outcome -> {
                                if (outcome != OrderTransitions.Outcome.CHANGED) {
                                    return new Result(0, 0);
                                }
                                metrics.rescued();
                                return new Result(0, 1);
                            });
                    case "USERPAYING" -> Mono.just(new Result(0, 0)); // the user is entering the password right now
                    default -> close(order); // NOTPAY, CLOSED, REVOKED, PAYERROR
                })
                .onErrorResume(WechatPayException.class, error -> "ORDER_NOT_EXIST".equals(error.code())
                        ? closeLocally(order) // never reached WeChat Pay (prepay failed)
                        : Mono.just(new Result(0, 0)))
                .onErrorResume(error -> {
                    log.warn("Could not settle expired order {}: {}", order.outTradeNo(), error.toString());
                    return Mono.just(new Result(0, 0));
                });
    }

    private Mono<Result> close(Order order) {
        return wechatPay.close(order.outTradeNo()).then(closeLocally(order));
    }

    private Mono<Result> closeLocally(Order order) {
        return transitions.closed(order.outTradeNo())
                .map(closed -> {
                    if (closed) {
                        log.info("Closed unpaid order {}", order.outTradeNo());
                    }
                    return new Result(closed ? 1 : 0, 0);
                });
    }

    /** @param closed orders this pass closed; @param rescued paid orders whose lost notification it made up for */
    public record Result(int closed, int rescued) {

        Result plus(Result other) {
            return new Result(closed + other.closed, rescued + other.rescued);
        }
    }
}
