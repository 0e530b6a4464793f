package dev.wxai.order.reconcile;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * WeChat Pay's daily trade bill (bill_type ALL): a CSV whose detail lines prefix every field with a backtick (so that
 * spreadsheets keep long numbers), amounts in yuan, then a summary header and line. A SUCCESS line is a payment, a
 * REFUND line a refund. The file's SHA-1 must equal the {@code hash_value} of the signed link that named it: the
 * download itself carries no signature.
 * https://pay.weixin.qq.com/docs/merchant/apis/bill-download/download-bill.html
 */
public final class TradeBill {

    private static final String FIRST_HEADER_FIELD = "交易时间";
    private static final String SUMMARY_HEADER_FIELD = "总交易单数";

    private TradeBill() {
    }

    /** True when {@code file}'s SHA-1 is {@code expectedHex}. */
    public static boolean matches(byte[] file, String expectedHex) {
        try {
            String actual = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(file));
            return expectedHex != null && MessageDigest.isEqual(actual.getBytes(StandardCharsets.US_ASCII),
                    expectedHex.toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The payment and refund lines; anything else in the file (headers, summary, blank lines) is skipped. */
    public static List<Line> parse(byte[] file) {
        String text = new String(file, StandardCharsets.UTF_8);
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        List<String> header = null;
        List<Line> lines = new ArrayList<>();
        for (String raw : text.split("\r?\n")) {
            if (raw.isBlank()) {
                continue;
            }
            List<String> fields = fields(raw);
            if (fields.get(0).equals(SUMMARY_HEADER_FIELD)) {
                break;
            }
            if (fields.get(0).equals(FIRST_HEADER_FIELD)) {
                header = fields;
                continue;
            }
            if (header == null) {
                throw new IllegalArgumentException("the bill has no header line");
            }
            lines.add(line(header, fields));
        }
        return lines;
    }

    private static Line line(List<String> header, List<String> fields) {
        String state = field(header, fields, "交易状态");
        boolean refund = "REFUND".equals(state);
        return new Line(refund ? Kind.REFUND : Kind.PAYMENT, state, field(header, fields, "微信订单号"), field(header, fields, "商户订单号"),
                refund ? field(header, fields, "商户退款单号") : null, refund ? field(header, fields, "微信退款单号") : null,
                fen(field(header, fields, refund ? "退款金额" : "订单金额")));
    }

    private static String field(List<String> header, List<String> fields, String name) {
        int index = header.indexOf(name);
        if (index < 0 || index >= fields.size()) {
            throw new IllegalArgumentException("the bill has no column " + name);
        }
        return fields.get(index);
    }

    private static List<String> fields(String line) {
        List<String> fields = new ArrayList<>();
        for (String field : line.split(",", -1)) {
            String value = field.strip();
            fields.add(value.startsWith("`") ? value.substring(1) : value);
        }
        return fields;
    }

    /** "99.00" yuan is 9900 fen; anything that is not whole fen is refused rather than rounded. */
    static long fen(String yuan) {
        try {
            return new BigDecimal(yuan).movePointRight(2).longValueExact();
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("not an amount in yuan: " + yuan, e);
        }
    }

    public enum Kind {
        PAYMENT, REFUND
    }

    /**
     * @param amountFen the payment's total for a payment line, the refund's amount for a refund line
     */
    public record Line(Kind kind, String state, String transactionId, String outTradeNo, String outRefundNo, String refundId,
                       long amountFen) {
    }
}
