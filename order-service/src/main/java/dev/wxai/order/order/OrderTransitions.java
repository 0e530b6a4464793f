package dev.wxai.order.order;

import dev.wxai.common.event.EventJson;
import dev.wxai.common.event.OrderEvent;
import dev.wxai.order.catalog.Product;
import dev.wxai.order.catalog.ProductRepository;
import dev.wxai.order.config.OrderProperties;
import dev.wxai.order.entitlement.EntitlementLedger;
import dev.wxai.order.entitlement.EntitlementLedger.EntitlementState;
import dev.wxai.order.order.RefundRepository.Refund;
import dev.wxai.order.order.RefundRepository.RefundStatus;
import dev.wxai.order.outbox.OutboxRepository;
import dev.wxai.order.web.ApiException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
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

/**
 * Every change of an order's status, and what goes with it, in one place. Each runs in ONE transaction: the
 * conditional update ({@code … WHERE status = 'FROM'}, so a copy that loses a race changes nothing), the payment or
 * refund row, the user's entitlement (MySQL is its record) and the outbox event that announces the new state.
 *
 * <pre>
 * CREATED ─paid─▶ PAID ─refund asked for all that is left─▶ REFUNDING ─refund SUCCESS─▶ REFUNDED
 *    │              ▲  └─partial refund SUCCESS (refunded_fen grows, stays PAID)            │
 *    │              └──────────── refund CLOSED / ABNORMAL / refused ◀─────────────────────┘
 *    ├─expired and unpaid─▶ CLOSED   (a payment arriving later is kept, flagged needs_refund)
 *    └─prepay refused─────▶ FAILED
 * </pre>
 * PAID never becomes CLOSED. A payment flagged {@code needs_refund} leaves its order alone; its refund clears the flag.
 */
@Component
public class OrderTransitions {

    private static final Logger log = LoggerFactory.getLogger(OrderTransitions.class);
    /** InnoDB may pick any transaction as a deadlock victim; the whole transaction is safe to run again. */
    private static final Retry DEADLOCKS = Retry.backoff(3, Duration.ofMillis(20))
            .filter(error -> error instanceof PessimisticLockingFailureException
                    || error instanceof io.r2dbc.spi.R2dbcTransientResourceException);

    private final OrderRepository orders;
    private final PaymentRepository payments;
    private final RefundRepository refunds;
    private final ProductRepository products;
    private final EntitlementLedger entitlements;
    private final OutboxRepository outbox;
    private final TransactionalOperator transaction;
    private final OrderProperties properties;
    private final Clock clock;

    OrderTransitions(OrderRepository orders, PaymentRepository payments, RefundRepository refunds, ProductRepository products,
                     EntitlementLedger entitlements, OutboxRepository outbox, TransactionalOperator transaction,
                     OrderProperties properties, Clock clock) {
        this.orders = orders;
        this.payments = payments;
        this.refunds = refunds;
        this.products = products;
        this.entitlements = entitlements;
        this.outbox = outbox;
        this.transaction = transaction;
        this.properties = properties;
        this.clock = clock;
    }

    // ---- creation and the unpaid ends -------------------------------------------------------------------------

    Mono<Long> created(String outTradeNo, String openid, String sku, long amountFen, Instant createdAt, Instant expiresAt) {
        return orders.insert(outTradeNo, openid, sku, amountFen, createdAt, expiresAt);
    }

    Mono<Boolean> prepaid(String outTradeNo, String prepayId) {
        return orders.setPrepayId(outTradeNo, prepayId);
    }

    /** CREATED → FAILED: WeChat Pay refused the prepay, so the order can never be paid. */
    public Mono<Boolean> failed(String outTradeNo) {
        return orders.transition(outTradeNo, OrderStatus.CREATED, OrderStatus.FAILED);
    }

    /** CREATED → CLOSED: expired unpaid, and closed at WeChat Pay (or never known there). */
    public Mono<Boolean> closed(String outTradeNo) {
        return orders.transition(outTradeNo, OrderStatus.CREATED, OrderStatus.CLOSED);
    }

    // ---- payment -----------------------------------------------------------------------------------------------

    /**
     * A verified payment (from a notification, or the sweep's query): CREATED → PAID with its payment row, the
     * entitlement and ORDER_PAID. A payment for an order closed meanwhile is kept and flagged for refund, never dropped.
     */
    public Mono<Outcome> paid(PaidTransaction paid) {
        return orders.findByOutTradeNo(paid.outTradeNo())
                .switchIfEmpty(Mono.error(() -> new ApiException(HttpStatus.NOT_FOUND, "unknown_order", "unknown out_trade_no " + paid.outTradeNo())))
                .flatMap(order -> {
                    if (order.amountFen() != paid.totalFen()) {
                        log.warn("Payment {} for {} says {} fen, the order {} fen; refused", paid.transactionId(), order.outTradeNo(),
                                paid.totalFen(), order.amountFen());
                        return Mono.error(new ApiException(HttpStatus.BAD_REQUEST, "amount_mismatch", "amount.total does not match the order"));
                    }
                    return markPaid(order, paid).flatMap(changed -> changed ? Mono.just(Outcome.CHANGED) : alreadyHandled(order, paid));
                });
    }

    private Mono<Boolean> markPaid(Order order, PaidTransaction paid) {
        return Mono.defer(() -> orders.markPaid(order.outTradeNo(), paid.successTime())
                        .flatMap(changed -> changed
                                ? payments.insert(order.id(), paid.transactionId(), order.amountFen(), paid.successTime(), paid.raw(), false)
                                        .then(products.findBySku(order.sku()))
                                        .flatMap(product -> entitlements.grant(order.id(), order.openid(), order.sku(), product.kind(),
                                                        product.days(), paid.successTime(), clock.instant())
                                                .flatMap(state -> announce(order, OrderEvent.PAID, product, 0, state)))
                                        .thenReturn(true)
                                : Mono.just(false))
                        .as(transaction::transactional))
                .retryWhen(DEADLOCKS);
    }

    /** Another copy won the race, or the order cannot be paid any more (closed): keep the money on record. */
    private Mono<Outcome> alreadyHandled(Order before, PaidTransaction paid) {
        return orders.findByOutTradeNo(before.outTradeNo()).flatMap(order -> switch (order.status()) {
            case PAID, REFUNDING, REFUNDED -> Mono.just(Outcome.DUPLICATE);
            case CLOSED, FAILED -> payments.insert(order.id(), paid.transactionId(), order.amountFen(), paid.successTime(), paid.raw(), true)
                    .doOnSuccess(done -> log.warn("Order {} was {} but paid ({}); payment kept and flagged for refund",
                            order.outTradeNo(), order.status(), paid.transactionId()))
                    .thenReturn(Outcome.FLAGGED_FOR_REFUND)
                    .onErrorResume(DuplicateKeyException.class, duplicate -> Mono.just(Outcome.DUPLICATE));
            case CREATED -> Mono.error(new IllegalStateException("order " + order.outTradeNo() + " is still CREATED"));
        });
    }

    // ---- refunds -----------------------------------------------------------------------------------------------

    /**
     * An operator's refund of {@code amountFen} (null: all that is left), recorded PROCESSING before WeChat Pay is
     * asked, so that an answer lost on the way is found again by the refund sweep. Asking for all that is left makes
     * the order REFUNDING; a partial refund leaves it PAID.
     */
    public Mono<RefundTicket> refundRequested(String outTradeNo, Long amountFen, String reason) {
        return Mono.defer(() -> orders.lockByOutTradeNo(outTradeNo)
                        .switchIfEmpty(Mono.error(() -> new ApiException(HttpStatus.NOT_FOUND, "unknown_order", "no order " + outTradeNo)))
                        .flatMap(order -> refunds.openOrDoneFen(order.id()).flatMap(taken -> {
                            long left = order.amountFen() - taken;
                            if (order.status() != OrderStatus.PAID || left <= 0) {
                                return Mono.error(new ApiException(HttpStatus.CONFLICT, "not_refundable",
                                        "order " + outTradeNo + " is " + order.status() + " with " + left + " fen left to refund"));
                            }
                            long amount = amountFen == null ? left : amountFen;
                            if (amount <= 0 || amount > left) {
                                return Mono.error(new ApiException(HttpStatus.BAD_REQUEST, "invalid_amount",
                                        "amountFen must be 1–" + left + " (what is left of this order)"));
                            }
                            return payments.findByOrderId(order.id())
                                    .zipWith(refunds.countForOrder(order.id()))
                                    .flatMap(found -> {
                                        String outRefundNo = "RF" + outTradeNo + "-" + (found.getT2() + 1);
                                        boolean rest = amount == left;
                                        RefundTicket ticket = new RefundTicket(outTradeNo, found.getT1().transactionId(), outRefundNo,
                                                amount, order.amountFen(), rest ? OrderStatus.REFUNDING : OrderStatus.PAID);
                                        return refunds.insert(order.id(), ticket.transactionId(), outRefundNo, amount, RefundStatus.PROCESSING,
                                                        reason, clock.instant(), null, null)
                                                .then(rest ? orders.transition(outTradeNo, OrderStatus.PAID, OrderStatus.REFUNDING)
                                                        : Mono.just(true))
                                                .thenReturn(ticket);
                                    });
                        }))
                        .as(transaction::transactional))
                .retryWhen(DEADLOCKS);
    }

    /** The refund of a payment flagged {@code needs_refund} (paid after its order closed): all of it. */
    public Mono<RefundTicket> strayRefundRequested(String transactionId, String reason) {
        return Mono.defer(() -> payments.findByTransactionId(transactionId)
                        .switchIfEmpty(Mono.error(() -> new ApiException(HttpStatus.NOT_FOUND, "unknown_payment", "no payment " + transactionId)))
                        .flatMap(payment -> {
                            if (!payment.needsRefund()) {
                                return Mono.error(new ApiException(HttpStatus.CONFLICT, "not_refundable",
                                        "payment " + transactionId + " is not owed back (refund its order instead)"));
                            }
                            return orders.lockByOutTradeNo(payment.outTradeNo())
                                    .zipWith(refunds.openOrDoneForTransaction(transactionId))
                                    .flatMap(locked -> {
                                        if (locked.getT2() > 0) {
                                            return Mono.error(new ApiException(HttpStatus.CONFLICT, "refund_in_progress",
                                                    "payment " + transactionId + " already has a refund"));
                                        }
                                        RefundTicket ticket = new RefundTicket(payment.outTradeNo(), transactionId, "RN" + transactionId,
                                                payment.amountFen(), payment.amountFen(), locked.getT1().status());
                                        return refunds.insert(payment.orderId(), transactionId, ticket.outRefundNo(), payment.amountFen(),
                                                RefundStatus.PROCESSING, reason, clock.instant(), null, null).thenReturn(ticket);
                                    });
                        })
                        .as(transaction::transactional))
                .retryWhen(DEADLOCKS);
    }

    /** WeChat Pay refused the refund outright (a 4xx): it never started, so the order is as before. */
    public Mono<Void> refundRefused(String outRefundNo) {
        return refunds.lock(outRefundNo)
                .flatMap(refund -> close(refund, RefundStatus.CLOSED, null))
                .as(transaction::transactional)
                .then();
    }

    /**
     * WeChat Pay's word on a refund (its notification, or the sweep's query), checked against the order: the total
     * must be the order's, and a refund we asked for must be for the amount we asked. SUCCESS adds to
     * {@code refunded_fen}: all of it back makes the order REFUNDED and takes the entitlement back; part of it leaves it
     * PAID and shortens a membership pro rata (or not at all, {@code wxai.order.partial-refund=KEEP}). A refund made in
     * the merchant console is recorded when its notification arrives. CLOSED and ABNORMAL give the order back its
     * PAID status.
     */
    public Mono<Outcome> refundSettled(RefundResult result) {
        return orders.findByOutTradeNo(result.outTradeNo())
                .switchIfEmpty(Mono.error(() -> new ApiException(HttpStatus.NOT_FOUND, "unknown_order", "unknown out_trade_no " + result.outTradeNo())))
                .flatMap(order -> {
                    if (result.totalFen() != order.amountFen() || result.refundFen() <= 0) {
                        return Mono.error(new ApiException(HttpStatus.BAD_REQUEST, "amount_mismatch",
                                "amount.total or amount.refund does not fit order " + order.outTradeNo()));
                    }
                    if ("PROCESSING".equals(result.state())) {
                        return Mono.just(Outcome.IGNORED);
                    }
                    return Mono.defer(() -> refunds.lock(result.outRefundNo()).map(Optional::of).defaultIfEmpty(Optional.empty())
                                    .flatMap(known -> known.isPresent() ? settleOurs(known.get(), result) : recordConsoleRefund(order, result))
                                    .as(transaction::transactional))
                            .retryWhen(DEADLOCKS);
                });
    }

    private Mono<Outcome> settleOurs(Refund refund, RefundResult result) {
        if (refund.status() != RefundStatus.PROCESSING) {
            return Mono.just(Outcome.DUPLICATE);
        }
        if (refund.amountFen() != result.refundFen()) {
            return Mono.error(new ApiException(HttpStatus.BAD_REQUEST, "amount_mismatch",
                    "refund " + refund.outRefundNo() + " was asked for " + refund.amountFen() + " fen, not " + result.refundFen()));
        }
        if (!"SUCCESS".equals(result.state())) {
            RefundStatus ended = "ABNORMAL".equals(result.state()) ? RefundStatus.ABNORMAL : RefundStatus.CLOSED;
            return close(refund, ended, result.refundId()).thenReturn(Outcome.CHANGED);
        }
        return refunds.settle(refund.id(), RefundStatus.SUCCESS, result.refundId(), completedAt(result))
                .then(applyRefund(refund.orderId(), refund.transactionId(), refund.amountFen()));
    }

    private Mono<Outcome> recordConsoleRefund(Order order, RefundResult result) {
        if (!"SUCCESS".equals(result.state())) {
            log.warn("Refund {} of {} that we never asked for ended {}; nothing to change", result.outRefundNo(), order.outTradeNo(),
                    result.state());
            return Mono.just(Outcome.IGNORED);
        }
        Mono<String> transactionId = result.transactionId() != null && !result.transactionId().isBlank()
                ? Mono.just(result.transactionId())
                : payments.findByOrderId(order.id()).map(PaymentRepository.Payment::transactionId);
        return transactionId
                .switchIfEmpty(Mono.error(() -> new ApiException(HttpStatus.BAD_REQUEST, "unknown_payment", "order " + order.outTradeNo() + " has no payment")))
                .flatMap(tx -> refunds.insert(order.id(), tx, result.outRefundNo(), result.refundFen(), RefundStatus.SUCCESS,
                                "merchant console", completedAt(result), completedAt(result), result.refundId())
                        .then(Mono.fromRunnable(() -> log.info("Refund {} of {} ({} fen) was made outside this service; recorded",
                                result.outRefundNo(), order.outTradeNo(), result.refundFen())))
                        .then(applyRefund(order.id(), tx, result.refundFen())));
    }

    /** Money went back: to a flagged payment (nothing else changes), or to the order and its entitlement. */
    private Mono<Outcome> applyRefund(long orderId, String transactionId, long refundFen) {
        return payments.findByTransactionId(transactionId).map(PaymentRepository.Payment::needsRefund).defaultIfEmpty(false)
                .flatMap(stray -> stray
                        ? payments.refundedInFull(transactionId).thenReturn(Outcome.CHANGED)
                        : orders.addRefund(orderId, refundFen).flatMap(added -> {
                            if (!added) {
                                return Mono.error(new ApiException(HttpStatus.BAD_REQUEST, "amount_mismatch",
                                        "the refund is more than the order has left"));
                            }
                            return orders.findById(orderId).flatMap(this::refundEntitlement).thenReturn(Outcome.CHANGED);
                        }));
    }

    private Mono<Void> refundEntitlement(Order order) {
        Instant now = clock.instant();
        boolean whole = order.status() == OrderStatus.REFUNDED;
        return products.findBySku(order.sku()).flatMap(product -> (whole
                        ? entitlements.revoke(order.id(), order.openid(), now)
                        : entitlements.partiallyRefunded(order.id(), order.openid(), order.refundedFen(), order.amountFen(),
                                properties.partialRefund() == OrderProperties.PartialRefund.PRO_RATA, now))
                .flatMap(state -> announce(order, whole ? OrderEvent.REFUNDED : OrderEvent.PARTIALLY_REFUNDED, product,
                        order.refundedFen(), state)));
    }

    private Mono<Void> close(Refund refund, RefundStatus ended, String refundId) {
        if (ended == RefundStatus.ABNORMAL) {
            log.error("Refund {} is ABNORMAL (the money could not reach the user): handle it in the merchant platform",
                    refund.outRefundNo());
        }
        return refunds.settle(refund.id(), ended, refundId, clock.instant())
                .then(orders.findById(refund.orderId()))
                .flatMap(order -> orders.transition(order.outTradeNo(), OrderStatus.REFUNDING, OrderStatus.PAID))
                .then();
    }

    private Instant completedAt(RefundResult result) {
        return result.successTime() == null ? clock.instant() : result.successTime();
    }

    private Mono<Void> announce(Order order, String type, Product product, long refundedFen, EntitlementState state) {
        OrderEvent event = new OrderEvent(OrderEvent.VERSION, UUID.randomUUID().toString(), type, order.outTradeNo(),
                order.openid(), order.sku(), product.kind(), product.days(), clock.millis(), refundedFen,
                state.membershipUntil() == null ? null : state.membershipUntil().toEpochMilli(), state.revision());
        return outbox.insert(order.outTradeNo(), type, EventJson.write(event), clock.instant());
    }

    /** A payment WeChat Pay vouched for (its signature checked). */
    public record PaidTransaction(String outTradeNo, String transactionId, long totalFen, Instant successTime, String raw) {
    }

    /**
     * @param state SUCCESS, CLOSED, ABNORMAL or PROCESSING
     */
    public record RefundResult(String outTradeNo, String transactionId, String outRefundNo, String refundId, String state,
                               long refundFen, long totalFen, Instant successTime) {
    }

    /**
     * A refund recorded PROCESSING, to be asked of WeChat Pay.
     *
     * @param orderStatus the order's status now: REFUNDING when all that was left is being refunded, PAID for a part,
     *                    the closed order's own status for a flagged payment
     */
    public record RefundTicket(String outTradeNo, String transactionId, String outRefundNo, long amountFen, long totalFen,
                               OrderStatus orderStatus) {
    }

    public enum Outcome {
        CHANGED, DUPLICATE, FLAGGED_FOR_REFUND, IGNORED
    }
}
