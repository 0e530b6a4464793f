package dev.wxai.order.order;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.wxai.order.order.PaymentRepository.Payment;
import dev.wxai.order.pay.JsapiPayParameters;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Positive;
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

    /** @param refundedFen money refunded so far (a partial refund leaves the order PAID) */
    public record OrderView(String outTradeNo, String sku, long amountFen, long refundedFen, OrderStatus status,
                            Instant createdAt, Instant expiresAt, Instant paidAt, PaymentView payment) {

        static OrderView of(Order order, Payment payment) {
            return new OrderView(order.outTradeNo(), order.sku(), order.amountFen(), order.refundedFen(), order.status(),
                    order.createdAt(), order.expiresAt(), order.paidAt(), payment == null ? null : PaymentView.of(payment));
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

    /**
     * {@code POST /admin/orders/{outTradeNo}/refund} and {@code POST /admin/payments/{transactionId}/refund}.
     *
     * @param amountFen how much to refund; absent: all that is left (orders only; a flagged payment is refunded whole)
     */
    public record RefundRequest(@Size(max = 80, message = "must be at most 80 characters") String reason,
                                @Positive(message = "must be a positive number of fen") Long amountFen) {
    }

    /**
     * 202 of an operator's refund: asked of WeChat Pay, whose notification (or the refund sweep) finishes it.
     *
     * @param orderStatus REFUNDING when all that was left is being refunded, PAID for a partial refund, CLOSED for a
     *                    payment that came after its order had closed
     */
    public record RefundAccepted(String outTradeNo, String transactionId, String outRefundNo, long amountFen,
                                 OrderStatus orderStatus) {
    }
}
