package dev.wxai.order.order;

import java.time.Instant;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

/** Payments as WeChat Pay reported them; {@code transaction_id} is unique, so one payment is recorded once. */
@Repository
public class PaymentRepository {

    private final DatabaseClient db;

    PaymentRepository(DatabaseClient db) {
        this.db = db;
    }

    /** Fails with a DuplicateKeyException when this transaction was recorded before. */
    public Mono<Void> insert(long orderId, String transactionId, long amountFen, Instant successTime, String raw,
                             boolean needsRefund) {
        return db.sql("INSERT INTO payments (order_id, transaction_id, amount_fen, success_time, raw, needs_refund) "
                        + "VALUES (:order, :tx, :amount, :at, :raw, :refund)")
                .bind("order", orderId).bind("tx", transactionId).bind("amount", amountFen)
                .bind("at", OrderRepository.utc(successTime)).bind("raw", raw).bind("refund", needsRefund)
                .then();
    }

    public Mono<Payment> findByOrderId(long orderId) {
        return db.sql("SELECT transaction_id, amount_fen, success_time, needs_refund FROM payments WHERE order_id = :order "
                        + "ORDER BY id LIMIT 1")
                .bind("order", orderId)
                .map(row -> new Payment(row.get("transaction_id", String.class), row.get("amount_fen", Long.class),
                        OrderRepository.instant(row.get("success_time", java.time.LocalDateTime.class)),
                        Boolean.TRUE.equals(row.get("needs_refund", Boolean.class))))
                .one();
    }

    public record Payment(String transactionId, long amountFen, Instant successTime, boolean needsRefund) {
    }
}
