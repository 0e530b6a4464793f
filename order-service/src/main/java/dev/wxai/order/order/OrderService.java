package dev.wxai.order.order;

import dev.wxai.common.log.Masking;
import dev.wxai.common.tracing.TraceScope;
import dev.wxai.order.catalog.Product;
import dev.wxai.order.catalog.ProductRepository;
import dev.wxai.order.config.OrderProperties;
import dev.wxai.order.order.PaymentRepository.Payment;
import dev.wxai.order.pay.WechatPayClient;
import dev.wxai.order.pay.WechatPayException;
import dev.wxai.order.web.ApiException;
import dev.wxai.order.web.Openids;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/** Creating, reading and refunding orders. Checks come first: a refused request writes no row. */
@Service
public class OrderService {

    private static final Logger log = LoggerFactory.getLogger(OrderService.class);
    private static final DateTimeFormatter NO_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.ofHours(8));
    private static final char[] ALPHANUMERIC = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789".toCharArray();

    private final ProductRepository products;
    private final OrderRepository orders;
    private final PaymentRepository payments;
    private final WechatPayClient wechatPay;
    private final OrderProperties properties;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    OrderService(ProductRepository products, OrderRepository orders, PaymentRepository payments, WechatPayClient wechatPay,
                 OrderProperties properties, Clock clock) {
        this.products = products;
        this.orders = orders;
        this.payments = payments;
        this.wechatPay = wechatPay;
        this.properties = properties;
        this.clock = clock;
    }

    public Mono<Map<String, Object>> create(String openid, String sku, String channel) {
        if (!Openids.isValid(openid)) {
            return Mono.error(Openids.invalid());
        }
        if (!"JSAPI".equals(channel) && !"NATIVE".equals(channel)) {
            return Mono.error(new ApiException(HttpStatus.BAD_REQUEST, "invalid_channel", "channel must be JSAPI or NATIVE"));
        }
        return products.findActiveBySku(sku == null ? "" : sku)
                .switchIfEmpty(Mono.error(() -> new ApiException(HttpStatus.BAD_REQUEST, "unknown_product",
                        "no product " + sku + " is for sale")))
                .flatMap(product -> placeOrder(openid, product, channel));
    }

    private Mono<Map<String, Object>> placeOrder(String openid, Product product, String channel) {
        Instant now = clock.instant();
        Instant expiresAt = now.plus(properties.expiry());
        String outTradeNo = newOutTradeNo(now);
        return orders.insert(outTradeNo, openid, product.sku(), product.priceFen(), now, expiresAt)
                .then(prepay(outTradeNo, openid, product, channel, expiresAt))
                .flatMap(payment -> {
                    Map<String, Object> response = new LinkedHashMap<>();
                    response.put("outTradeNo", outTradeNo);
                    response.put("status", OrderStatus.CREATED.name());
                    response.put("amountFen", product.priceFen());
                    response.put("expiresAt", expiresAt.toString());
                    response.putAll(payment);
                    return TraceScope.logged(() -> log.info("Order {} for {} ({} fen) from {}", outTradeNo, product.sku(),
                            product.priceFen(), Masking.openid(openid))).thenReturn(response);
                });
    }

    private Mono<Map<String, Object>> prepay(String outTradeNo, String openid, Product product, String channel, Instant expiresAt) {
        Mono<Map<String, Object>> prepay = "JSAPI".equals(channel)
                ? wechatPay.jsapiPrepay(outTradeNo, product.name(), product.priceFen(), expiresAt, openid)
                        .flatMap(prepayId -> orders.setPrepayId(outTradeNo, prepayId)
                                .thenReturn(Map.<String, Object>of("jsapi", wechatPay.jsapiParameters(prepayId))))
                : wechatPay.nativePrepay(outTradeNo, product.name(), product.priceFen(), expiresAt)
                        .map(codeUrl -> Map.<String, Object>of("codeUrl", codeUrl));
        return prepay.onErrorResume(error -> {
            log.warn("Prepay of {} failed: {}", outTradeNo, error.toString());
            return orders.transition(outTradeNo, OrderStatus.CREATED, OrderStatus.FAILED)
                    .then(Mono.error(new ApiException(HttpStatus.BAD_GATEWAY, "payment_unavailable",
                            "WeChat Pay could not take the order: " + reason(error))));
        });
    }

    public Mono<Map<String, Object>> find(String outTradeNo) {
        return orders.findByOutTradeNo(outTradeNo)
                .switchIfEmpty(Mono.error(() -> new ApiException(HttpStatus.NOT_FOUND, "unknown_order", "no order " + outTradeNo)))
                .flatMap(order -> payments.findByOrderId(order.id()).map(OrderService::view).defaultIfEmpty(Map.of())
                        .map(payment -> view(order, payment.isEmpty() ? null : payment)));
    }

    public Mono<Map<String, Object>> history(String openid, int page, int size) {
        if (!Openids.isValid(openid)) {
            return Mono.error(Openids.invalid());
        }
        if (page < 0 || size < 1 || size > 100) {
            return Mono.error(new ApiException(HttpStatus.BAD_REQUEST, "invalid_page", "page must be ≥ 0 and size 1–100"));
        }
        return orders.findByOpenid(openid, page, size).map(order -> view(order, null)).collectList()
                .zipWith(orders.countByOpenid(openid))
                .map(result -> Map.of("openid", openid, "page", page, "size", size, "total", result.getT2(),
                        "orders", result.getT1()));
    }

    /** PAID → REFUNDING, then the refund request; WeChat Pay's REFUND.SUCCESS notification finishes it. */
    public Mono<Map<String, Object>> refund(String outTradeNo) {
        return orders.findByOutTradeNo(outTradeNo)
                .switchIfEmpty(Mono.error(() -> new ApiException(HttpStatus.NOT_FOUND, "unknown_order", "no order " + outTradeNo)))
                .flatMap(order -> orders.transition(outTradeNo, OrderStatus.PAID, OrderStatus.REFUNDING)
                        .flatMap(changed -> {
                            if (!changed) {
                                return Mono.error(new ApiException(HttpStatus.CONFLICT, "not_refundable",
                                        "order " + outTradeNo + " is " + order.status() + ", only PAID orders can be refunded"));
                            }
                            return wechatPay.refund(outTradeNo, "RF" + outTradeNo, order.amountFen(), order.amountFen())
                                    .thenReturn(Map.<String, Object>of("outTradeNo", outTradeNo, "status", OrderStatus.REFUNDING.name()))
                                    .onErrorResume(error -> orders.transition(outTradeNo, OrderStatus.REFUNDING, OrderStatus.PAID)
                                            .then(Mono.error(new ApiException(HttpStatus.BAD_GATEWAY, "refund_unavailable",
                                                    "WeChat Pay refused the refund: " + reason(error)))));
                        }));
    }

    private static Map<String, Object> view(Order order, Map<String, Object> payment) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("outTradeNo", order.outTradeNo());
        view.put("openid", order.openid());
        view.put("sku", order.sku());
        view.put("amountFen", order.amountFen());
        view.put("status", order.status().name());
        view.put("createdAt", order.createdAt().toString());
        view.put("expiresAt", order.expiresAt().toString());
        view.put("paidAt", order.paidAt() == null ? null : order.paidAt().toString());
        view.put("payment", payment);
        return view;
    }

    private static Map<String, Object> view(Payment payment) {
        return Map.of("transactionId", payment.transactionId(), "amountFen", payment.amountFen(),
                "successTime", payment.successTime().toString(), "needsRefund", payment.needsRefund());
    }

    private String newOutTradeNo(Instant now) {
        StringBuilder no = new StringBuilder("WX").append(NO_TIME.format(now));
        for (int i = 0; i < 10; i++) {
            no.append(ALPHANUMERIC[random.nextInt(ALPHANUMERIC.length)]);
        }
        return no.toString();
    }

    private static String reason(Throwable error) {
        return error instanceof WechatPayException pay ? pay.code() : "no answer";
    }
}
