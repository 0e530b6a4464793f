package dev.wxai.sandbox.pay;

import java.util.List;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The sandbox's own controls for the merchant's back office, which exist nowhere on the real service: a refund made
 * in the merchant console (our service only hears of it through the notification), and faults in the trade bills.
 */
@RestController
class SandboxBillController {

    private static final java.util.concurrent.atomic.AtomicLong SEQUENCE = new java.util.concurrent.atomic.AtomicLong();

    private final PayLedger ledger;
    private final WechatPayController wechatPay;
    private final TradeBills bills;

    SandboxBillController(PayLedger ledger, WechatPayController wechatPay, TradeBills bills) {
        this.ledger = ledger;
        this.wechatPay = wechatPay;
        this.bills = bills;
    }

    /** {@code {outTradeNo, amountFen}} → {@code {outRefundNo, refundId}}; the notification goes to the order's notify_url. */
    @PostMapping("/sandbox/pay/refunds")
    ResponseEntity<?> consoleRefund(@RequestBody ConsoleRefund request) {
        return ledger.find(request.outTradeNo()).filter(transaction -> transaction.transactionId != null)
                .<ResponseEntity<?>>map(transaction -> ledger.refund(transaction, "CONSOLE" + System.currentTimeMillis() + SEQUENCE.incrementAndGet(),
                                request.amountFen())
                        .filter(refund -> request.amountFen() > 0)
                        .<ResponseEntity<?>>map(refund -> {
                            wechatPay.complete(refund, transaction.notifyUrl);
                            return ResponseEntity.ok(new ConsoleRefunded(refund.outRefundNo, refund.refundId));
                        })
                        .orElseGet(() -> ResponseEntity.badRequest().body(Map.of("code", "NOT_ENOUGH", "message", "订单可退金额不足"))))
                .orElseGet(() -> ResponseEntity.status(404).body(Map.of("code", "RESOURCE_NOT_EXISTS", "message", "订单不存在或未支付")));
    }

    /** Faults of the bills served from now on; answers the extra payments' made-up transaction ids. */
    @PostMapping("/sandbox/pay/bill-faults")
    ExtraTransactions billFaults(@RequestBody FaultsRequest request) {
        List<BillFaults.Extra> extra = request.extra() == null ? List.of() : request.extra().stream()
                .map(line -> new BillFaults.Extra(line.outTradeNo(), line.amountFen(),
                        "42000" + System.currentTimeMillis() + String.format("%06d", SEQUENCE.incrementAndGet() % 1_000_000)))
                .toList();
        bills.faults(new BillFaults(request.drop(), request.alter(), extra, request.badHash()));
        return new ExtraTransactions(extra.stream().map(BillFaults.Extra::transactionId).toList());
    }

    @DeleteMapping("/sandbox/pay/bill-faults")
    ResponseEntity<Void> clearBillFaults() {
        bills.faults(BillFaults.NONE);
        return ResponseEntity.noContent().build();
    }

    record ConsoleRefund(String outTradeNo, long amountFen) {
    }

    record ConsoleRefunded(String outRefundNo, String refundId) {
    }

    record ExtraLine(String outTradeNo, long amountFen) {
    }

    record FaultsRequest(List<String> drop, Map<String, Long> alter, List<ExtraLine> extra, boolean badHash) {
    }

    record ExtraTransactions(List<String> extraTransactionIds) {
    }
}
