package dev.wxai.order.admin;

import dev.wxai.order.order.OrderService;
import dev.wxai.order.order.OrderViews.RefundAccepted;
import dev.wxai.order.security.Operator;
import dev.wxai.order.stats.Figures;
import dev.wxai.order.stats.Figures.AccountFigures;
import dev.wxai.order.web.ApiException;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Size;
import java.util.List;
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
 * The operators' API, behind a bearer token ({@code WXAI_ADMIN_TOKENS}). Every call is written to the audit table
 * with its outcome, refused ones included.
 */
@RestController
class AdminController {

    private final OrderService orders;
    private final Figures figures;
    private final AuditLog audit;

    AdminController(OrderService orders, Figures figures, AuditLog audit) {
        this.orders = orders;
        this.figures = figures;
        this.audit = audit;
    }

    /** 202: the refund is with WeChat Pay; its notification moves the order to REFUNDED. */
    @PostMapping("/admin/orders/{outTradeNo}/refund")
    @ResponseStatus(HttpStatus.ACCEPTED)
    Mono<RefundAccepted> refund(@AuthenticationPrincipal Operator operator, @PathVariable String outTradeNo,
                                @Valid @RequestBody(required = false) RefundRequest request) {
        String reason = request == null ? null : request.reason();
        return orders.refund(outTradeNo)
                .flatMap(accepted -> audit.record(operator, "order.refund", outTradeNo, "accepted", reason).thenReturn(accepted))
                .onErrorResume(error -> audit.record(operator, "order.refund", outTradeNo, outcome(error), reason)
                        .then(Mono.error(error)));
    }

    @GetMapping("/admin/stats")
    Mono<AccountFigures> stats(@AuthenticationPrincipal Operator operator) {
        return figures.current().flatMap(all -> audit.record(operator, "stats.read", null, "ok", null).thenReturn(all));
    }

    /** The audit trail itself, newest first; reading it is not itself audited (it would only echo). */
    @GetMapping("/admin/audit")
    Mono<List<AuditLog.AuditEntry>> audit(@RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "50") int size) {
        if (page < 0 || size < 1 || size > 500) {
            return Mono.error(new ApiException(HttpStatus.BAD_REQUEST, "invalid_page", "page must be ≥ 0 and size 1–500"));
        }
        return audit.recent(page, size);
    }

    private static String outcome(Throwable error) {
        return error instanceof ApiException refused ? "refused:" + refused.error() : "failed";
    }

    /** @param reason why the operator refunds (kept in the audit row) */
    record RefundRequest(@Size(max = 200, message = "must be at most 200 characters") String reason) {
    }
}
