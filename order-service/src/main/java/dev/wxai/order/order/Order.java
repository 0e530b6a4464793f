package dev.wxai.order.order;

import java.time.Instant;

/** One purchase. Money in integer fen ({@code refundedFen}: refunded so far); times in UTC. */
public record Order(long id, String outTradeNo, String openid, String sku, long amountFen, OrderStatus status,
                    String prepayId, Instant createdAt, Instant expiresAt, Instant paidAt, int version, long refundedFen) {

    /** What can still be refunded. */
    public long refundableFen() {
        return amountFen - refundedFen;
    }
}
