package dev.wxai.order.order;

import java.time.Instant;
import java.time.LocalDateTime;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Refunds as asked of WeChat Pay (ours) or learnt from its notifications (the merchant console's). */
@Repository
public class RefundRepository {

    private static final String COLUMNS = "SELECT id, order_id, transaction_id, out_refund_no, refund_id, amount_fen, status, "
            + "reason, requested_at, completed_at FROM refunds";

    private final DatabaseClient db;

    RefundRepository(DatabaseClient db) {
        this.db = db;
    }

    Mono<Void> insert(long orderId, String transactionId, String outRefundNo, long amountFen, RefundStatus status, String reason,
                      Instant requestedAt, Instant completedAt, String refundId) {
        DatabaseClient.GenericExecuteSpec insert = db.sql("INSERT INTO refunds (order_id, transaction_id, out_refund_no, refund_id, "
                        + "amount_fen, status, reason, requested_at, completed_at) "
                        + "VALUES (:order, :tx, :no, :refundId, :amount, :status, :reason, :requested, :completed)")
                .bind("order", orderId).bind("tx", transactionId).bind("no", outRefundNo).bind("amount", amountFen)
                .bind("status", status.name()).bind("requested", OrderRepository.utc(requestedAt));
        insert = reason == null ? insert.bindNull("reason", String.class) : insert.bind("reason", reason);
        insert = refundId == null ? insert.bindNull("refundId", String.class) : insert.bind("refundId", refundId);
        insert = completedAt == null ? insert.bindNull("completed", LocalDateTime.class)
                : insert.bind("completed", OrderRepository.utc(completedAt));
        return insert.then();
    }

    /** The refund, locked until the transaction ends, so that a notification and a sweep settle it once. */
    Mono<Refund> lock(String outRefundNo) {
        return db.sql(COLUMNS + " WHERE out_refund_no = :no FOR UPDATE").bind("no", outRefundNo).map(RefundRepository::refund).one();
    }

    public Mono<Refund> find(String outRefundNo) {
        return db.sql(COLUMNS + " WHERE out_refund_no = :no").bind("no", outRefundNo).map(RefundRepository::refund).one();
    }

    Mono<Boolean> settle(long id, RefundStatus to, String refundId, Instant completedAt) {
        DatabaseClient.GenericExecuteSpec update = db.sql("UPDATE refunds SET status = :to, refund_id = COALESCE(:refundId, refund_id), "
                        + "completed_at = :completed WHERE id = :id AND status = 'PROCESSING'")
                .bind("to", to.name()).bind("completed", OrderRepository.utc(completedAt)).bind("id", id);
        update = refundId == null ? update.bindNull("refundId", String.class) : update.bind("refundId", refundId);
        return update.fetch().rowsUpdated().map(rows -> rows == 1);
    }

    /** Refunds of the order not closed: asked or done. */
    Mono<Long> openOrDoneFen(long orderId) {
        return db.sql("SELECT COALESCE(SUM(amount_fen), 0) AS fen FROM refunds WHERE order_id = :order AND status IN ('PROCESSING', 'SUCCESS')")
                .bind("order", orderId).map(row -> ((Number) row.get("fen", Number.class)).longValue()).one();
    }

    Mono<Long> countForOrder(long orderId) {
        return db.sql("SELECT COUNT(*) AS n FROM refunds WHERE order_id = :order").bind("order", orderId)
                .map(row -> row.get("n", Long.class)).one();
    }

    /** Refunds of this payment asked or done. */
    Mono<Long> openOrDoneForTransaction(String transactionId) {
        return db.sql("SELECT COUNT(*) AS n FROM refunds WHERE transaction_id = :tx AND status IN ('PROCESSING', 'SUCCESS')")
                .bind("tx", transactionId).map(row -> row.get("n", Long.class)).one();
    }

    /** PROCESSING refunds asked before {@code before}: their notification is late or lost. */
    public Flux<Refund> pendingSince(Instant before, int limit) {
        return db.sql(COLUMNS + " WHERE status = 'PROCESSING' AND requested_at < :before ORDER BY requested_at LIMIT :limit")
                .bind("before", OrderRepository.utc(before)).bind("limit", limit).map(RefundRepository::refund).all();
    }

    /** Successful refunds completed in [from, to): a bill day's refunds. */
    public Flux<Refund> completedBetween(Instant from, Instant to) {
        return db.sql(COLUMNS + " WHERE status = 'SUCCESS' AND completed_at >= :from AND completed_at < :to")
                .bind("from", OrderRepository.utc(from)).bind("to", OrderRepository.utc(to)).map(RefundRepository::refund).all();
    }

    private static Refund refund(io.r2dbc.spi.Readable row) {
        return new Refund(row.get("id", Long.class), row.get("order_id", Long.class), row.get("transaction_id", String.class),
                row.get("out_refund_no", String.class), row.get("refund_id", String.class), row.get("amount_fen", Long.class),
                RefundStatus.valueOf(row.get("status", String.class)), row.get("reason", String.class),
                OrderRepository.instant(row.get("requested_at", LocalDateTime.class)),
                OrderRepository.instant(row.get("completed_at", LocalDateTime.class)));
    }

    public enum RefundStatus {
        PROCESSING, SUCCESS, CLOSED, ABNORMAL
    }

    public record Refund(long id, long orderId, String transactionId, String outRefundNo, String refundId, long amountFen,
                         RefundStatus status, String reason, Instant requestedAt, Instant completedAt) {
    }
}
