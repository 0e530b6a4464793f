package dev.wxai.order.order;

import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.time.LocalDateTime;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Payments as WeChat Pay reported them; {@code transaction_id} is unique, so one payment is recorded once. */
@Repository
public class PaymentRepository {

    private static final String COLUMNS = "SELECT p.order_id, p.transaction_id, p.amount_fen, p.success_time, p.needs_refund, "
            + "o.out_trade_no FROM payments p JOIN orders o ON o.id = p.order_id";

    private final DatabaseClient db;

    PaymentRepository(DatabaseClient db) {
        this.db = db;
    }

    /** Fails with a DuplicateKeyException when this transaction was recorded before. */
    Mono<Void> insert(long orderId, String transactionId, long amountFen, Instant successTime, String raw, boolean needsRefund) {
        return db.sql("INSERT INTO payments (order_id, transaction_id, amount_fen, success_time, raw, needs_refund) "
                        + "VALUES (:order, :tx, :amount, :at, :raw, :refund)")
                .bind("order", orderId).bind("tx", transactionId).bind("amount", amountFen)
                .bind("at", OrderRepository.utc(successTime)).bind("raw", raw).bind("refund", needsRefund)
                .then();
    }

    /** The payment that made the order PAID (a flagged one, for an order that was closed, otherwise). */
    public Mono<Payment> findByOrderId(long orderId) {
        return db.sql(COLUMNS + " WHERE p.order_id = :order ORDER BY p.needs_refund, p.id LIMIT 1")
                .bind("order", orderId).map(PaymentRepository::payment).one();
    }

    public Mono<Payment> findByTransactionId(String transactionId) {
        return db.sql(COLUMNS + " WHERE p.transaction_id = :tx").bind("tx", transactionId).map(PaymentRepository::payment).one();
    }

    /** A flagged payment's refund went through: nothing is owed any more. */
    Mono<Boolean> refundedInFull(String transactionId) {
        return db.sql("UPDATE payments SET needs_refund = FALSE WHERE transaction_id = :tx AND needs_refund")
                .bind("tx", transactionId).fetch().rowsUpdated().map(rows -> rows == 1);
    }

    /** Payments that succeeded in [from, to): a bill day's payments. */
    public Flux<Payment> succeededBetween(Instant from, Instant to) {
        return db.sql(COLUMNS + " WHERE p.success_time >= :from AND p.success_time < :to")
                .bind("from", OrderRepository.utc(from)).bind("to", OrderRepository.utc(to)).map(PaymentRepository::payment).all();
    }

    private static Payment payment(Readable row) {
        return new Payment(row.get("order_id", Long.class), row.get("out_trade_no", String.class),
                row.get("transaction_id", String.class), row.get("amount_fen", Long.class),
                OrderRepository.instant(row.get("success_time", LocalDateTime.class)),
                Boolean.TRUE.equals(row.get("needs_refund", Boolean.class)));
    }

    /** @param needsRefund paid after its order was closed: the money is owed back until a refund of it succeeds */
    public record Payment(long orderId, String outTradeNo, String transactionId, long amountFen, Instant successTime,
                          boolean needsRefund) {
    }
}
