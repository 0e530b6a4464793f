package dev.wxai.order.order;

import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

@RestController
class OrderController {

    private final OrderService orders;

    OrderController(OrderService orders) {
        this.orders = orders;
    }

    /** {@code {openid, sku, channel: JSAPI|NATIVE}} → 201 with the JSAPI pay parameters or the native {@code codeUrl}. */
    @PostMapping("/api/orders")
    @ResponseStatus(HttpStatus.CREATED)
    Mono<Map<String, Object>> create(@RequestBody CreateOrder request) {
        return orders.create(request.openid(), request.sku(), request.channel());
    }

    @GetMapping("/api/orders/{outTradeNo}")
    Mono<Map<String, Object>> find(@PathVariable String outTradeNo) {
        return orders.find(outTradeNo);
    }

    /** Payment history, newest first. */
    @GetMapping("/api/orders")
    Mono<Map<String, Object>> history(@RequestParam(required = false) String openid,
                                      @RequestParam(defaultValue = "0") int page,
                                      @RequestParam(defaultValue = "20") int size) {
        return orders.history(openid, page, size);
    }

    @PostMapping("/api/orders/{outTradeNo}/refund")
    @ResponseStatus(HttpStatus.ACCEPTED)
    Mono<Map<String, Object>> refund(@PathVariable String outTradeNo) {
        return orders.refund(outTradeNo);
    }

    record CreateOrder(String openid, String sku, String channel) {
    }
}
