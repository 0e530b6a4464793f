package dev.wxai.order.catalog;

/**
 * Something a user can buy: a course (kept for good) or a membership ({@code days} long).
 *
 * @param priceFen the price in integer fen (1 yuan = 100 fen); money is never a floating-point number
 */
public record Product(String sku, String name, String kind, long priceFen, Integer days) {
}
