package dev.wxai.order.pay;

import dev.wxai.common.event.EventJson;
import dev.wxai.common.event.OrderEvent;
import dev.wxai.order.catalog.ProductRepository;
import dev.wxai.order.config.PayProperties;
import dev.wxai.order.order.Order;
import dev.wxai.order.order.OrderRepository;
import dev.wxai.order.order.OrderStatus;
import dev.wxai.order.order.PaymentRepository;
import dev.wxai.order.outbox.OutboxRepository;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;
import tools.jackson.databind.JsonNode;

/**
 * Turns a verified payment (from a notification, or from the sweep's query) into state, exactly once: in ONE
 * transaction the conditional {@code CREATED → PAID}, the payment row and the outbox event. A copy that loses the
 * race changes nothing and is still acknowledged. A payment for an order that was closed meanwhile is kept and
 * flagged for refund, never dropped.
 */
@Component
public class PaymentRecorder {

    private static final Logger log = LoggerFactory.getLogger(PaymentRecorder.class);
    /** InnoDB may pick any transaction as a deadlock victim; the whole transaction is safe to run again. */
    private static final Retry DEADLOCKS = Retry.backoff(3, Duration.ofMillis(20))
            .filter(error -> error instanceof PessimisticLockingFailureException
                    || error instanceof io.r2dbc.spi.R2dbcTransientResourceException);

    private final OrderRepository orders;
    private final PaymentRepository payments;
    private final OutboxRepository outbox;
    private final ProductRepository products;
    private final TransactionalOperator transaction;
    private final PayProperties pay;
    private final PaymentMetrics metrics;
    private final Clock clock;

    PaymentRecorder(OrderRepository orders, PaymentRepository payments, OutboxRepository outbox, ProductRepository products,
                    TransactionalOperator transaction, PayProperties pay, PaymentMetrics metrics, Clock clock) {
        this.orders = orders;
        this.payments = payments;
        this.outbox = outbox;
        this.products = products;
        this.transaction = transaction;
        this.pay = pay;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** @param transactionJson the decrypted transaction, as from a notification or a query */
    public Mono<Outcome> paid(JsonNode transactionJson, String raw) {
        String outTradeNo = transactionJson.path("out_trade_no").asString();
        String transactionId = transactionJson.path("transaction_id").asString();
        long total = transactionJson.path("amount").path("total").asLong(-1);
        if (!pay.appId().equals(transactionJson.path("appid").asString()) || !pay.mchId().equals(transactionJson.path("mchid").asString())) {
            return Mono.error(new RejectedNotification(HttpStatus.BAD_REQUEST, "appid or mchid is not ours"));
        }
        if (!"SUCCESS".equals(transactionJson.path("trade_state").asString())) {
            return Mono.just(Outcome.IGNORED);
        }
        if (transactionId.isBlank()) {
            return Mono.error(new RejectedNotification(HttpStatus.BAD_REQUEST, "transaction_id is missing"));
        }
        Instant successTime = successTime(transactionJson.path("success_time").asString());
        return orders.findByOutTradeNo(outTradeNo)
                .switchIfEmpty(Mono.error(() -> new RejectedNotification(HttpStatus.NOT_FOUND, "unknown out_trade_no " + outTradeNo)))
                .flatMap(order -> {
                    if (order.amountFen() != total) {
                        log.warn("Payment {} for {} says {} fen, the order {} fen; refused", transactionId, outTradeNo,
                                total, order.amountFen());
                        return Mono.error(new RejectedNotification(HttpStatus.BAD_REQUEST, "amount.total does not match the order"));
                    }
                    return markPaid(order, transactionId, successTime, raw)
                            .flatMap(changed -> changed ? Mono.just(Outcome.CHANGED) : alreadyHandled(order, transactionId, successTime, raw))
                            .doOnNext(outcome -> metrics.recorded(outcome, total));
                });
    }

    /** A refund WeChat Pay completed: REFUNDING (or PAID, for a refund made elsewhere) becomes REFUNDED. */
    public Mono<Outcome> refunded(JsonNode refund) {
        String outTradeNo = refund.path("out_trade_no").asString();
        if (!"SUCCESS".equals(refund.path("refund_status").asString())) {
            log.warn("Refund of {} ended {}", outTradeNo, refund.path("refund_status").asString());
            return orders.transition(outTradeNo, OrderStatus.REFUNDING, OrderStatus.PAID).thenReturn(Outcome.IGNORED);
        }
        return orders.findByOutTradeNo(outTradeNo)
                .switchIfEmpty(Mono.error(() -> new RejectedNotification(HttpStatus.NOT_FOUND, "unknown out_trade_no " + outTradeNo)))
                .flatMap(order -> orders.transition(outTradeNo, OrderStatus.REFUNDING, OrderStatus.REFUNDED)
                        .flatMap(changed -> changed ? Mono.just(true) : orders.transition(outTradeNo, OrderStatus.PAID, OrderStatus.REFUNDED))
                        .flatMap(changed -> changed
                                ? event(order, OrderEvent.REFUNDED).thenReturn(Outcome.CHANGED)
                                : Mono.just(Outcome.DUPLICATE))
                        .as(transaction::transactional));
    }

    private Mono<Boolean> markPaid(Order order, String transactionId, Instant successTime, String raw) {
        return Mono.defer(() -> orders.markPaid(order.outTradeNo(), successTime)
                        .flatMap(changed -> changed
                                ? payments.insert(order.id(), transactionId, order.amountFen(), successTime, raw, false)
                                        .then(event(order, OrderEvent.PAID))
                                        .thenReturn(true)
                                : Mono.just(false))
                        .as(transaction::transactional))
                .retryWhen(DEADLOCKS);
    }

    /** Another copy won the race, or the order cannot be paid any more (closed): keep the money on record. */
    private Mono<Outcome> alreadyHandled(Order before, String transactionId, Instant successTime, String raw) {
        return orders.findByOutTradeNo(before.outTradeNo()).flatMap(order -> switch (order.status()) {
            case PAID, REFUNDING, REFUNDED -> Mono.just(Outcome.DUPLICATE);
            case CLOSED, FAILED -> payments.insert(order.id(), transactionId, order.amountFen(), successTime, raw, true)
                    .doOnSuccess(done -> log.warn("Order {} was {} but paid ({}); payment kept and flagged for refund",
                            order.outTradeNo(), order.status(), transactionId))
                    .thenReturn(Outcome.FLAGGED_FOR_REFUND)
                    .onErrorResume(DuplicateKeyException.class, duplicate -> Mono.just(Outcome.DUPLICATE));
            case CREATED -> Mono.error(new IllegalStateException("order " + order.outTradeNo() + " is still CREATED"));
        });
    }

    private Mono<Void> event(Order order, String type) {
        return products.findBySku(order.sku())
                .map(product -> new OrderEvent(OrderEvent.VERSION, UUID.randomUUID().toString(), type, order.outTradeNo(),
                        order.openid(), order.sku(), product.kind(), product.days(), clock.millis()))
                .flatMap(event -> outbox.insert(order.outTradeNo(), type, EventJson.write(event), clock.instant()));
    }

    private Instant successTime(String text) {
        try {
            return text == null || text.isBlank() ? clock.instant() : OffsetDateTime.parse(text).toInstant();
        } catch (java.time.format.DateTimeParseException e) {
            return clock.instant();
        }
    }

    public enum Outcome {
        CHANGED, DUPLICATE, FLAGGED_FOR_REFUND, IGNORED
    }

}
