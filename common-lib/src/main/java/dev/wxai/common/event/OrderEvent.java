package dev.wxai.common.event;

/**
 * An order's lifecycle event, published to {@link Topics#ORDER_EVENTS} (key = orderId) by the order-service's
 * outbox relay, at least once: consumers dedupe by {@code eventId}.
 *
 * @param type        {@code ORDER_PAID} or {@code ORDER_REFUNDED}
 * @param orderId     the order's outTradeNo
 * @param entitlement what the purchase grants: {@code MEMBERSHIP} (for {@code days}) or {@code COURSE}
 * @param at          when it happened, milliseconds since the epoch
 */
public record OrderEvent(int v, String eventId, String type, String orderId, String openid, String sku,
                         String entitlement, Integer days, long at) {

    public static final int VERSION = 1;
    public static final String PAID = "ORDER_PAID";
    public static final String REFUNDED = "ORDER_REFUNDED";
}
