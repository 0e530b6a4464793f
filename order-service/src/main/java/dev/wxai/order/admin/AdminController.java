package dev.wxai.order.admin;

import dev.wxai.order.order.OrderViews.RefundAccepted;
import dev.wxai.order.order.OrderViews.RefundRequest;
import dev.wxai.order.menu.MenuPublisher;
import dev.wxai.order.payment.RefundService;
import dev.wxai.order.reconcile.DailyReconciliation;
import dev.wxai.order.reconcile.Reconciliation;
import dev.wxai.order.reconcile.ReconciliationReport;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import dev.wxai.order.security.Operator;
import dev.wxai.order.stats.Figures;
import dev.wxai.order.stats.Figures.AccountFigures;
import dev.wxai.order.web.ApiException;
import jakarta.validation.Valid;
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

    private final RefundService refunds;
    private final Figures figures;
    private final Reconciliation reconciliation;
    private final DailyReconciliation reports;
    private final MenuPublisher menu;
    private final AuditLog audit;
    private final java.time.Clock clock;

    AdminController(RefundService refunds, Figures figures, Reconciliation reconciliation, DailyReconciliation reports,
                    MenuPublisher menu, AuditLog audit, java.time.Clock clock) {
        this.menu = menu;
        this.refunds = refunds;
        this.figures = figures;
        this.reconciliation = reconciliation;
        this.reports = reports;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * 202: the refund (all that is left, or {@code amountFen} of it) is with WeChat Pay; its notification, or the refund
     * sweep, settles it. All of it back makes the order REFUNDED; part of it leaves it PAID.
     */
    @PostMapping("/admin/orders/{outTradeNo}/refund")
    @ResponseStatus(HttpStatus.ACCEPTED)
    Mono<RefundAccepted> refund(@AuthenticationPrincipal Operator operator, @PathVariable String outTradeNo,
                                @Valid @RequestBody(required = false) RefundRequest request) {
        String reason = request == null ? null : request.reason();
        Long amountFen = request == null ? null : request.amountFen();
        return audited(operator, "order.refund", outTradeNo, reason, refunds.refundOrder(outTradeNo, amountFen, reason));
    }

    /** 202: a payment flagged {@code needs_refund} (paid after its order closed) goes back whole. */
    @PostMapping("/admin/payments/{transactionId}/refund")
    @ResponseStatus(HttpStatus.ACCEPTED)
    Mono<RefundAccepted> refundPayment(@AuthenticationPrincipal Operator operator, @PathVariable String transactionId,
                                       @Valid @RequestBody(required = false) RefundRequest request) {
        String reason = request == null ? null : request.reason();
        if (request != null && request.amountFen() != null) {
            return Mono.error(new ApiException(HttpStatus.BAD_REQUEST, "invalid_amount", "a flagged payment is refunded whole"));
        }
        return audited(operator, "payment.refund", transactionId, reason, refunds.refundPayment(transactionId, reason));
    }

    /** Publishes the configured custom menu ({@code wxai.menu.buttons}) to WeChat; audited. */
    @PostMapping("/admin/wechat/menu")
    Mono<MenuPublisher.Published> publishMenu(@AuthenticationPrincipal Operator operator) {
        return audited(operator, "wechat.menu", null, null, menu.publish());
    }

    /** The stored comparison of one Beijing day's trade bill with our books; 404 when that day was never reconciled. */
    @GetMapping("/admin/reconciliation/{day}")
    Mono<ReconciliationReport> reconciliation(@PathVariable String day) {
        return billDay(day).flatMap(date -> reports.report(date)
                .switchIfEmpty(Mono.error(() -> new ApiException(HttpStatus.NOT_FOUND, "not_reconciled", date + " has not been reconciled"))));
    }

    /** Reconciles the day now (again), e.g. after WeChat Pay corrected a bill or to check a day the job missed. */
    @PostMapping("/admin/reconciliation/{day}")
    Mono<ReconciliationReport> reconcile(@AuthenticationPrincipal Operator operator, @PathVariable String day) {
        return billDay(day).flatMap(date -> audited(operator, "reconciliation.run", day, null, reconciliation.run(date)));
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

    private <T> Mono<T> audited(Operator operator, String action, String target, String detail, Mono<T> work) {
        return work
                .flatMap(done -> audit.record(operator, action, target, "accepted", detail).thenReturn(done))
                .onErrorResume(error -> audit.record(operator, action, target, outcome(error), detail).then(Mono.error(error)));
    }

    /** A Beijing date in {@code yyyy-MM-dd}, not in the future. */
    private Mono<LocalDate> billDay(String day) {
        try {
            LocalDate date = LocalDate.parse(day);
            if (date.isAfter(LocalDate.now(clock.withZone(ZoneId.of("Asia/Shanghai"))))) {
                return Mono.error(new ApiException(HttpStatus.BAD_REQUEST, "invalid_date", day + " is in the future"));
            }
            return Mono.just(date);
        } catch (DateTimeParseException e) {
            return Mono.error(new ApiException(HttpStatus.BAD_REQUEST, "invalid_date", "the day must be yyyy-MM-dd"));
        }
    }

    private static String outcome(Throwable error) {
        return error instanceof ApiException refused ? "refused:" + refused.error() : "failed";
    }
}
