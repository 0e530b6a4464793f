package dev.wxai.order.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wxai.order.order.PaymentRepository.Payment;
import dev.wxai.order.order.RefundRepository.Refund;
import dev.wxai.order.order.RefundRepository.RefundStatus;
import dev.wxai.order.reconcile.ReconciliationReport.Kind;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The trade bill as WeChat Pay writes it (backticks, yuan, a summary), and the line-by-line comparison. */
class TradeBillTest {

    private static final String BILL = """
            \uFEFF交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注\r
            `2026-12-06 10:12:13,`wx5823bf96d3bd56c7,`1230000109,`0,`,`4200000001,`WXA,`oUser,`JSAPI,`SUCCESS,`OTHERS,`CNY,`99.00,`0.00,`0,`0,`0.00,`0.00,`,`,`AI 入门课,`,`0.59400,`0.60%,`99.00,`0.00,`\r
            `2026-12-06 11:00:00,`wx5823bf96d3bd56c7,`1230000109,`0,`,`4200000001,`WXA,`oUser,`JSAPI,`REFUND,`OTHERS,`CNY,`99.00,`0.00,`5000001,`RFWXA-1,`49.50,`0.00,`ORIGINAL,`SUCCESS,`AI 入门课,`,`0.00000,`0.60%,`99.00,`49.50,`\r
            总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额\r
            `2,`99.00,`49.50,`0.00,`0.59400,`99.00,`49.50\r
            """;

    @Test
    void paymentAndRefundLinesAreReadInFenAndTheSummaryIsNotALine() {
        List<TradeBill.Line> lines = TradeBill.parse(BILL.getBytes(StandardCharsets.UTF_8));

        assertThat(lines).containsExactly(
                new TradeBill.Line(TradeBill.Kind.PAYMENT, "SUCCESS", "4200000001", "WXA", null, null, 9900),
                new TradeBill.Line(TradeBill.Kind.REFUND, "REFUND", "4200000001", "WXA", "RFWXA-1", "5000001", 4950));
    }

    @Test
    void theHashMustBeTheSha1OfTheBytes() throws Exception {
        byte[] file = BILL.getBytes(StandardCharsets.UTF_8);
        String sha1 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(file));

        assertThat(TradeBill.matches(file, sha1)).isTrue();
        assertThat(TradeBill.matches(file, sha1.toUpperCase())).isTrue();
        assertThat(TradeBill.matches(file, "79bb0f45fc4c42234a918000b2668d689e2bde04")).isFalse();
        assertThat(TradeBill.matches(file, null)).isFalse();
    }

    @Test
    void amountsThatAreNotWholeFenOrAFileWithoutHeaderAreRefused() {
        assertThat(TradeBill.fen("0.01")).isEqualTo(1);
        assertThatThrownBy(() -> TradeBill.fen("0.001")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TradeBill.parse("`2026-12-06,`x\r\n".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyDisagreementIsOneDifferenceAndMatchingLinesNone() {
        Instant now = Instant.now();
        List<TradeBill.Line> bill = List.of(
                new TradeBill.Line(TradeBill.Kind.PAYMENT, "SUCCESS", "tx-same", "WX1", null, null, 100),
                new TradeBill.Line(TradeBill.Kind.PAYMENT, "SUCCESS", "tx-altered", "WX2", null, null, 201),
                new TradeBill.Line(TradeBill.Kind.PAYMENT, "SUCCESS", "tx-extra", "WX3", null, null, 300),
                new TradeBill.Line(TradeBill.Kind.REFUND, "REFUND", "tx-same", "WX1", "RF1", "r1", 50));
        List<Payment> ours = List.of(
                new Payment(1, "WX1", "tx-same", 100, now, false),
                new Payment(2, "WX2", "tx-altered", 200, now, false),
                new Payment(4, "WX4", "tx-missing", 400, now, false));
        List<Refund> refunds = List.of(
                new Refund(1, 1, "tx-same", "RF1", "r1", 50, RefundStatus.SUCCESS, null, now, now),
                new Refund(2, 4, "tx-missing", "RF2", "r2", 10, RefundStatus.SUCCESS, null, now, now));

        List<ReconciliationReport.Difference> differences = Reconciliation.compare(bill, ours, refunds);

        assertThat(differences).extracting(d -> d.kind() + " " + d.transactionId() + " " + d.outRefundNo())
                .containsExactlyInAnyOrder(
                        Kind.AMOUNT_MISMATCH + " tx-altered null",
                        Kind.NOT_IN_BILL + " tx-missing null",
                        Kind.NOT_IN_BILL + " tx-missing RF2",
                        Kind.NOT_IN_OUR_BOOKS + " tx-extra null");
    }
}
