package dev.wxai.order.security;

/** An operator proven by a bearer token on {@code /admin/**}: the principal of every admin call and its audit row. */
public record Operator(String name) {
}
