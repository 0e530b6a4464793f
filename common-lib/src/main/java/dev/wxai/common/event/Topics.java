package dev.wxai.common.event;

/** Kafka topic names shared by producers and consumers. */
public final class Topics {

    /** WeChat messages, key = openid so that one user's messages stay in one partition, in order. */
    public static final String INBOUND = "wechat.inbound";
    /** Records the worker gave up on, with the reason in headers. */
    public static final String INBOUND_DLT = "wechat.inbound.DLT";
    /** Order lifecycle events from the order-service outbox, key = orderId. */
    public static final String ORDER_EVENTS = "order.events";
    /** Order events the worker could not apply after its retries, for operators to replay. */
    public static final String ORDER_EVENTS_DLT = "order.events.DLT";

    private Topics() {
    }
}
