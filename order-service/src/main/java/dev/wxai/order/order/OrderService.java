package dev.wxai.order.order;

import dev.wxai.common.log.Masking;
import dev.wxai.common.tracing.TraceScope;
import dev.wxai.order.catalog.Product;
import dev.wxai.order.catalog.ProductRepository;
import dev.wxai.order.config.OrderProperties;
import dev.wxai.order.order.OrderViews.CreateOrderRequest;
import dev.wxai.order.order.OrderViews.CreatedOrder;
import dev.wxai.order.order.OrderViews.OrderPage;
import dev.wxai.order.order.OrderViews.OrderView;
import dev.wxai.order.pay.WechatPayClient;
import dev.wxai.order.pay.WechatPayException;
import dev.wxai.order.web.ApiException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/** Creating and reading orders. Checks come first: a refused request writes no row. */
@Service
public class OrderService {

    private static final Logger log = LoggerFactory.getLogger(OrderService.class);
    private static final DateTimeFormatter NO_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.ofHours(8));
    private static final char[] ALPHANUMERIC = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789".toCharArray();

    private final ProductRepository products;
    private final OrderRepository orders;
    private final OrderTransitions transitions;
    private final PaymentRepository payments;
    private final WechatPayClient wechatPay;
    private final OrderProperties properties;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    OrderService(ProductRepository products, OrderRepository orders, OrderTransitions transitions, PaymentRepository payments,
                 WechatPayClient wechatPay, OrderProperties properties, Clock clock) {
        this.products = products;
        this.orders = orders;
        this.transitions = transitions;
        this.payments = payments;
        this.wechatPay = wechatPay;
        this.properties = properties;
        this.clock = clock;
    }

    /**
     * A new order for {@code openid}, the session's user (checked when WeChat's sign-in gave it): checks first, so a
     * refused request writes no row.
     */
    public Mono<CreatedOrder> create(String openid, CreateOrderRequest request) {
        String channel = request.channel();
        if (!"JSAPI".equals(channel) && !"NATIVE".equals(channel)) {
            return Mono.error(new ApiException(HttpStatus.BAD_REQUEST, "invalid_channel", "channel must be JSAPI or NATIVE"));
        }
        return products.findActiveBySku(request.sku())
                .switchIfEmpty(Mono.error(() -> new ApiException(HttpStatus.BAD_REQUEST, "unknown_product",
                        "no product " + request.sku() + " is for sale")))
                .flatMap(product -> placeOrder(openid, product, channel));
    }

    private Mono<CreatedOrder> placeOrder(String openid, Product product, String channel) {
        Instant now = clock.instant();
        Instant expiresAt = now.plus(properties.expiry());
        String outTradeNo = newOutTradeNo(now);
        return transitions.created(outTradeNo, openid, product.sku(), product.priceFen(), now, expiresAt)
                .then(prepay(outTradeNo, openid, product, channel, expiresAt))
                .flatMap(created -> TraceScope.logged(() -> log.info("Order {} for {} ({} fen) from {}", outTradeNo, product.sku(),
                        product.priceFen(), Masking.openid(openid))).thenReturn(created));
    }

    private Mono<CreatedOrder> prepay(String outTradeNo, String openid, Product product, String channel, Instant expiresAt) {
        Mono<CreatedOrder> prepay = "JSAPI".equals(channel)
                ? wechatPay.jsapiPrepay(outTradeNo, product.name(), product.priceFen(), expiresAt, openid)
                        .flatMap(prepayId -> transitions.prepaid(outTradeNo, prepayId)
                                .thenReturn(new CreatedOrder(outTradeNo, OrderStatus.CREATED, product.priceFen(), expiresAt,
                                        wechatPay.jsapiParameters(prepayId), null)))
                : wechatPay.nativePrepay(outTradeNo, product.name(), product.priceFen(), expiresAt)
                        .map(codeUrl -> new CreatedOrder(outTradeNo, OrderStatus.CREATED, product.priceFen(), expiresAt, null, codeUrl));
        return prepay.onErrorResume(error -> {
            log.warn("Prepay of {} failed: {}", outTradeNo, error.toString());
            return transitions.failed(outTradeNo)
                    .then(Mono.error(new ApiException(HttpStatus.BAD_GATEWAY, "payment_unavailable",
                            "WeChat Pay could not take the order: " + reason(error))));
        });
    }

    /** The user's own order; another user's is answered exactly like one that does not exist. */
    public Mono<OrderView> findOwn(String openid, String outTradeNo) {
        return orders.findByOutTradeNo(outTradeNo)
                .filter(order -> order.openid().equals(openid))
                .switchIfEmpty(Mono.error(() -> unknownOrder(outTradeNo)))
                .flatMap(order -> payments.findByOrderId(order.id())
                        .map(payment -> OrderView.of(order, payment))
                        .defaultIfEmpty(OrderView.of(order, null)));
    }

    public Mono<OrderPage> history(String openid, int page, int size) {
        if (page < 0 || size < 1 || size > 100) {
            return Mono.error(new ApiException(HttpStatus.BAD_REQUEST, "invalid_page", "page must be ≥ 0 and size 1–100"));
        }
        return orders.findByOpenid(openid, page, size).map(order -> OrderView.of(order, null)).collectList()
                .zipWith(orders.countByOpenid(openid))
                .map(result -> new OrderPage(page, size, result.getT2(), result.getT1()));
    }

    private static ApiException unknownOrder(String outTradeNo) {
        return new ApiException(HttpStatus.NOT_FOUND, "unknown_order", "no order " + outTradeNo);
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
