package dev.wxai.order.reconcile;

import dev.wxai.order.order.PaymentRepository;
import dev.wxai.order.order.PaymentRepository.Payment;
import dev.wxai.order.order.RefundRepository;
import dev.wxai.order.order.RefundRepository.Refund;
import dev.wxai.order.pay.WechatPayClient;
import dev.wxai.order.pay.WechatPayException;
import dev.wxai.order.reconcile.ReconciliationReport.Difference;
import dev.wxai.order.reconcile.ReconciliationReport.Kind;
import dev.wxai.order.web.ApiException;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Compares one Beijing day of WeChat Pay's trade bill with our payments and successful refunds, line by line: by
 * transaction_id for payments, by out_refund_no for refunds. Every difference is stored (the day's previous run is
 * replaced) and counted in {@code wxai_reconciliation_differences}, the latest run's total, for an alert.
 */
@Component
public class Reconciliation {

    /** WeChat Pay's bill days are China Standard Time days. */
    static final ZoneId BILL_ZONE = ZoneId.of("Asia/Shanghai");
    private static final Logger log = LoggerFactory.getLogger(Reconciliation.class);

    private final WechatPayClient wechatPay;
    private final PaymentRepository payments;
    private final RefundRepository refunds;
    private final ReconciliationRepository reports;
    private final Clock clock;
    private final AtomicLong latestDifferences = new AtomicLong();

    Reconciliation(WechatPayClient wechatPay, PaymentRepository payments, RefundRepository refunds, ReconciliationRepository reports,
                   Clock clock, MeterRegistry meters) {
        this.wechatPay = wechatPay;
        this.payments = payments;
        this.refunds = refunds;
        this.reports = reports;
        this.clock = clock;
        Gauge.builder("wxai.reconciliation.differences", latestDifferences, AtomicLong::get)
                .description("Differences found by this replica's latest reconciliation with WeChat Pay's trade bill")
                .register(meters);
    }

    /** Downloads the day's bill, checks its hash, compares and stores the result. */
    public Mono<ReconciliationReport> run(LocalDate billDate) {
        Instant from = billDate.atStartOfDay(BILL_ZONE).toInstant();
        Instant to = billDate.plusDays(1).atStartOfDay(BILL_ZONE).toInstant();
        Mono<List<TradeBill.Line>> bill = wechatPay.tradeBill(billDate)
                .flatMap(link -> wechatPay.download(link.downloadUrl()).map(file -> {
                    if (!TradeBill.matches(file, link.hashValue())) {
                        throw new ApiException(HttpStatus.BAD_GATEWAY, "bill_untrusted",
                                "the bill of " + billDate + " does not match its SHA-1; not compared");
                    }
                    return TradeBill.parse(file);
                }))
                .onErrorResume(WechatPayException.class, error -> "NO_STATEMENT_EXIST".equals(error.code())
                        ? Mono.just(List.of()) // no trade that day, as far as WeChat Pay knows
                        : Mono.error(error));
        return Mono.zip(bill, payments.succeededBetween(from, to).collectList(), refunds.completedBetween(from, to).collectList())
                .map(all -> new ReconciliationReport(billDate, clock.instant(), all.getT1().size(),
                        compare(all.getT1(), all.getT2(), all.getT3())))
                .flatMap(reports::save)
                .doOnNext(report -> {
                    latestDifferences.set(report.differences().size());
                    if (report.differences().isEmpty()) {
                        log.info("Reconciled {}: {} bill lines, no difference", billDate, report.billLines());
                    } else {
                        log.warn("Reconciled {}: {} bill lines, {} differences", billDate, report.billLines(), report.differences().size());
                    }
                });
    }

    static List<Difference> compare(List<TradeBill.Line> bill, List<Payment> ourPayments, List<Refund> ourRefunds) {
        Map<String, TradeBill.Line> billPayments = new LinkedHashMap<>();
        Map<String, TradeBill.Line> billRefunds = new LinkedHashMap<>();
        for (TradeBill.Line line : bill) {
            if (line.kind() == TradeBill.Kind.PAYMENT) {
                billPayments.put(line.transactionId(), line);
            } else {
                billRefunds.put(line.outRefundNo(), line);
            }
        }
        List<Difference> differences = new ArrayList<>();
        for (Payment payment : ourPayments) {
            TradeBill.Line line = billPayments.remove(payment.transactionId());
            if (line == null) {
                differences.add(new Difference(Kind.NOT_IN_BILL, payment.transactionId(), payment.outTradeNo(), null, payment.amountFen(), null));
            } else if (line.amountFen() != payment.amountFen()) {
                differences.add(new Difference(Kind.AMOUNT_MISMATCH, payment.transactionId(), payment.outTradeNo(), null,
                        payment.amountFen(), line.amountFen()));
            }
        }
        for (Refund refund : ourRefunds) {
            TradeBill.Line line = billRefunds.remove(refund.outRefundNo());
            if (line == null) {
                differences.add(new Difference(Kind.NOT_IN_BILL, refund.transactionId(), null, refund.outRefundNo(), refund.amountFen(), null));
            } else if (line.amountFen() != refund.amountFen()) {
                differences.add(new Difference(Kind.AMOUNT_MISMATCH, refund.transactionId(), line.outTradeNo(), refund.outRefundNo(),
                        refund.amountFen(), line.amountFen()));
            }
        }
        billPayments.values().forEach(line -> differences.add(new Difference(Kind.NOT_IN_OUR_BOOKS, line.transactionId(),
                line.outTradeNo(), null, null, line.amountFen())));
        billRefunds.values().forEach(line -> differences.add(new Difference(Kind.NOT_IN_OUR_BOOKS, line.transactionId(),
                line.outTradeNo(), line.outRefundNo(), null, line.amountFen())));
        return differences;
    }

    /** Yesterday in Beijing: the newest bill WeChat Pay publishes (from 10:00 the next day). */
    LocalDate yesterday() {
        return LocalDate.now(clock.withZone(BILL_ZONE)).minusDays(1);
    }
}
