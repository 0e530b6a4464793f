package dev.wxai.order.order;

/** CREATED → PAID → REFUNDING → REFUNDED; CREATED → CLOSED (expired unpaid) or FAILED (prepay refused). PAID never becomes CLOSED. */
public enum OrderStatus {
    CREATED, PAID, CLOSED, REFUNDING, REFUNDED, FAILED
}
