package dev.wxai.order.order;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.wxai.order.order.PaymentRepository.Payment;
import dev.wxai.order.pay.JsapiPayParameters;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;

/** The order API's request and answers. Money in integer fen; times ISO-8601 UTC. */
public final class OrderViews {

    private OrderViews() {
    }

    /** {@code POST /api/orders}: the buyer is the session's user, never a field of the body. */
    public record CreateOrderRequest(
            @NotBlank(message = "is required") @Size(max = 64, message = "is too long") String sku,
            @NotBlank(message = "is required (JSAPI or NATIVE)") @Size(max = 16, message = "is too long") String channel) {
    }

    /** 201 of {@code POST /api/orders}: {@code jsapi} for JSAPI pay inside WeChat, {@code codeUrl} for a NATIVE QR code. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record CreatedOrder(String outTradeNo, OrderStatus status, long amountFen, Instant expiresAt,
                               JsapiPayParameters jsapi, String codeUrl) {
    }

    public record OrderView(String outTradeNo, String sku, long amountFen, OrderStatus status, Instant createdAt,
                            Instant expiresAt, Instant paidAt, PaymentView payment) {

        static OrderView of(Order order, Payment payment) {
            return new OrderView(order.outTradeNo(), order.sku(), order.amountFen(), order.status(), order.createdAt(),
                    order.expiresAt(), order.paidAt(), payment == null ? null : PaymentView.of(payment));
        }
    }

    public record PaymentView(String transactionId, long amountFen, Instant successTime, boolean needsRefund) {

        static PaymentView of(Payment payment) {
            return new PaymentView(payment.transactionId(), payment.amountFen(), payment.successTime(), payment.needsRefund());
        }
    }

    /** One page of a user's orders, newest first. */
    public record OrderPage(int page, int size, long total, List<OrderView> orders) {
    }

    /** 202 of an operator's refund: WeChat Pay's notification finishes it. */
    public record RefundAccepted(String outTradeNo, OrderStatus status) {
    }
}
