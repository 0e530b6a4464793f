package dev.wxai.common.event;

/**
 * An order's lifecycle event, published to {@link Topics#ORDER_EVENTS} (key = outTradeNo, so one order's events keep
 * their order) by the order-service's outbox relay, at least once. It carries the user's entitlement as MySQL holds
 * it after the change ({@code membershipUntil}, {@code revision}), so a consumer's cache takes the state with the
 * highest revision and needs neither dedupe nor order across orders.
 *
 * @param type            {@link #PAID}, {@link #PARTIALLY_REFUNDED} or {@link #REFUNDED}
 * @param orderId         the order's outTradeNo
 * @param entitlement     what the purchase grants: {@code MEMBERSHIP} (for {@code days}) or {@code COURSE}
 * @param at              when it happened, milliseconds since the epoch
 * @param refundedFen     money refunded on this order so far (0 for a payment)
 * @param membershipUntil the end of the user's membership after this change, epoch milliseconds; null when none
 * @param revision        the user's entitlement revision after this change (higher is newer)
 */
public record OrderEvent(int v, String eventId, String type, String orderId, String openid, String sku,
                         String entitlement, Integer days, long at, long refundedFen, Long membershipUntil, long revision) {

    public static final int VERSION = 1;
    public static final String PAID = "ORDER_PAID";
    public static final String PARTIALLY_REFUNDED = "ORDER_PARTIALLY_REFUNDED";
    public static final String REFUNDED = "ORDER_REFUNDED";
}
