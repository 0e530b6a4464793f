package dev.wxai.order.order;

import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Orders in MySQL. Every state change is a conditional update ({@code … WHERE status = 'FROM'}) whose row count
 * says whether this caller made the change: concurrent notifications, sweeps and replicas cannot apply one
 * transition twice.
 */
@Repository
public class OrderRepository {

    private static final String COLUMNS = "SELECT id, out_trade_no, openid, sku, amount_fen, status, prepay_id, "
            + "created_at, expires_at, paid_at, version, refunded_fen FROM orders";

    private final DatabaseClient db;

    OrderRepository(DatabaseClient db) {
        this.db = db;
    }

    Mono<Long> insert(String outTradeNo, String openid, String sku, long amountFen, Instant createdAt, Instant expiresAt) {
        return db.sql("INSERT INTO orders (out_trade_no, openid, sku, amount_fen, status, created_at, expires_at, version) "
                        + "VALUES (:no, :openid, :sku, :amount, 'CREATED', :created, :expires, 0)")
                .bind("no", outTradeNo).bind("openid", openid).bind("sku", sku).bind("amount", amountFen)
                .bind("created", utc(createdAt)).bind("expires", utc(expiresAt))
                .filter(statement -> statement.returnGeneratedValues("id"))
                .map(row -> row.get("id", Long.class))
                .one();
    }

    public Mono<Order> findByOutTradeNo(String outTradeNo) {
        return db.sql(COLUMNS + " WHERE out_trade_no = :no").bind("no", outTradeNo).map(OrderRepository::order).one();
    }

    /** The order, its row locked until the transaction ends: refunds of one order are decided one at a time. */
    public Mono<Order> lockByOutTradeNo(String outTradeNo) {
        return db.sql(COLUMNS + " WHERE out_trade_no = :no FOR UPDATE").bind("no", outTradeNo).map(OrderRepository::order).one();
    }

    public Mono<Order> findById(long id) {
        return db.sql(COLUMNS + " WHERE id = :id").bind("id", id).map(OrderRepository::order).one();
    }

    /** Newest first. */
    public Flux<Order> findByOpenid(String openid, int page, int size) {
        return db.sql(COLUMNS + " WHERE openid = :openid ORDER BY created_at DESC, id DESC LIMIT :size OFFSET :offset")
                .bind("openid", openid).bind("size", size).bind("offset", (long) page * size)
                .map(OrderRepository::order).all();
    }

    public Mono<Long> countByOpenid(String openid) {
        return db.sql("SELECT COUNT(*) AS n FROM orders WHERE openid = :openid").bind("openid", openid)
                .map(row -> row.get("n", Long.class)).one();
    }

    public Flux<Order> findExpiredCreated(Instant now, int limit) {
        return db.sql(COLUMNS + " WHERE status = 'CREATED' AND expires_at < :now ORDER BY expires_at LIMIT :limit")
                .bind("now", utc(now)).bind("limit", limit).map(OrderRepository::order).all();
    }

    Mono<Boolean> setPrepayId(String outTradeNo, String prepayId) {
        return db.sql("UPDATE orders SET prepay_id = :prepay, version = version + 1 WHERE out_trade_no = :no AND status = 'CREATED'")
                .bind("prepay", prepayId).bind("no", outTradeNo).fetch().rowsUpdated().map(rows -> rows == 1);
    }

    Mono<Boolean> markPaid(String outTradeNo, Instant paidAt) {
        return db.sql("UPDATE orders SET status = 'PAID', paid_at = :paid, version = version + 1 "
                        + "WHERE out_trade_no = :no AND status = 'CREATED'")
                .bind("paid", utc(paidAt)).bind("no", outTradeNo).fetch().rowsUpdated().map(rows -> rows == 1);
    }

    /** Applies {@code from → to} if the order is still in {@code from}; true when this call changed it. */
    Mono<Boolean> transition(String outTradeNo, OrderStatus from, OrderStatus to) {
        return db.sql("UPDATE orders SET status = :to, version = version + 1 WHERE out_trade_no = :no AND status = :from")
                .bind("to", to.name()).bind("no", outTradeNo).bind("from", from.name())
                .fetch().rowsUpdated().map(rows -> rows == 1);
    }

    /**
     * A refund of {@code refundFen} succeeded: added to {@code refunded_fen}; the order becomes REFUNDED once all its
     * money is back, and otherwise keeps its status. Status is assigned first: MySQL assigns left to right, so it
     * still sees the old {@code refunded_fen}.
     */
    Mono<Boolean> addRefund(long orderId, long refundFen) {
        return db.sql("UPDATE orders SET status = CASE WHEN refunded_fen + :refund >= amount_fen THEN 'REFUNDED' ELSE status END, "
                        + "refunded_fen = refunded_fen + :refund, version = version + 1 "
                        + "WHERE id = :id AND status IN ('PAID', 'REFUNDING') AND refunded_fen + :refund <= amount_fen")
                .bind("refund", refundFen).bind("id", orderId).fetch().rowsUpdated().map(rows -> rows == 1);
    }

    static Order order(Readable row) {
        return new Order(row.get("id", Long.class), row.get("out_trade_no", String.class), row.get("openid", String.class),
                row.get("sku", String.class), row.get("amount_fen", Long.class),
                OrderStatus.valueOf(row.get("status", String.class)), row.get("prepay_id", String.class),
                instant(row.get("created_at", LocalDateTime.class)), instant(row.get("expires_at", LocalDateTime.class)),
                instant(row.get("paid_at", LocalDateTime.class)), row.get("version", Integer.class),
                row.get("refunded_fen", Long.class));
    }

    static LocalDateTime utc(Instant instant) {
        return LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    static Instant instant(LocalDateTime utc) {
        return utc == null ? null : utc.toInstant(ZoneOffset.UTC);
    }
}
