package dev.wxai.order.reconcile;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * How one bill day of WeChat Pay compares with our books. {@code GET /admin/reconciliation/{yyyy-MM-dd}}.
 *
 * @param billLines   payment and refund lines in WeChat Pay's bill
 * @param differences every line where the two disagree; empty when the books match
 */
public record ReconciliationReport(LocalDate billDate, Instant checkedAt, int billLines, List<Difference> differences) {

    public enum Kind {
        /** in our books (a payment or a successful refund of that day), not in WeChat Pay's bill */
        NOT_IN_BILL,
        /** in WeChat Pay's bill, not in our books */
        NOT_IN_OUR_BOOKS,
        /** in both, for different amounts */
        AMOUNT_MISMATCH
    }

    /** @param oursFen our amount (null when we have no such line); @param billFen the bill's (null when it has none) */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Difference(Kind kind, String transactionId, String outTradeNo, String outRefundNo, Long oursFen, Long billFen) {
    }
}
