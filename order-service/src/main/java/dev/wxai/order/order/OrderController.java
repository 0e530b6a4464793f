package dev.wxai.order.order;

import dev.wxai.order.order.OrderViews.CreateOrderRequest;
import dev.wxai.order.order.OrderViews.CreatedOrder;
import dev.wxai.order.order.OrderViews.OrderPage;
import dev.wxai.order.order.OrderViews.OrderView;
import dev.wxai.order.security.WechatUser;
import jakarta.validation.Valid;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * A signed-in user's orders. The user is always the session's ({@link WechatUser}); an openid sent in a body, query
 * or path selects nothing. Refunds are the operators' ({@code /admin}).
 */
@RestController
class OrderController {

    private final OrderService orders;

    OrderController(OrderService orders) {
        this.orders = orders;
    }

    /** 201 with the JSAPI pay parameters or the native {@code codeUrl}. */
    @PostMapping("/api/orders")
    @ResponseStatus(HttpStatus.CREATED)
    Mono<CreatedOrder> create(@AuthenticationPrincipal WechatUser user, @Valid @RequestBody CreateOrderRequest request) {
        return orders.create(user.openid(), request);
    }

    @GetMapping("/api/orders/{outTradeNo}")
    Mono<OrderView> find(@AuthenticationPrincipal WechatUser user, @PathVariable String outTradeNo) {
        return orders.findOwn(user.openid(), outTradeNo);
    }

    /** Payment history, newest first. */
    @GetMapping("/api/orders")
    Mono<OrderPage> history(@AuthenticationPrincipal WechatUser user,
                            @RequestParam(defaultValue = "0") int page,
                            @RequestParam(defaultValue = "20") int size) {
        return orders.history(user.openid(), page, size);
    }
}
