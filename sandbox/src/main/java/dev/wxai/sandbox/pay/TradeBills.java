package dev.wxai.sandbox.pay;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.stereotype.Component;

/**
 * Trade bills (bill_type ALL) built from the sandbox's own ledger, in WeChat Pay's file format: a header, one line per
 * payment (SUCCESS) and per successful refund (REFUND) of the Beijing day, every field prefixed with a backtick,
 * amounts in yuan, then the summary. {@link BillFaults} can make the bill drop a payment, alter its amount, add one
 * the merchant never saw, or come with a hash that does not match.
 */
@Component
class TradeBills {

    static final String HEADER = "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,"
            + "货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,"
            + "订单金额,申请退款金额,费率备注";
    static final String SUMMARY_HEADER = "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额";
    private static final java.time.ZoneOffset BEIJING = ZoneOffset.ofHours(8);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final long TOKEN_LIFETIME_SECONDS = 300;

    private final PayLedger ledger;
    private final Map<String, Issued> tokens = new ConcurrentHashMap<>();
    private final AtomicReference<BillFaults> faults = new AtomicReference<>(BillFaults.NONE);

    TradeBills(PayLedger ledger) {
        this.ledger = ledger;
    }

    void faults(BillFaults next) {
        faults.set(next == null ? BillFaults.NONE : next);
    }

    /** The signed answer of {@code GET /v3/bill/tradebill}; empty when the day has no line (NO_STATEMENT_EXIST). */
    Optional<Map<String, Object>> issue(LocalDate day, URI requested) {
        BillFaults current = faults.get();
        byte[] file = file(day, current);
        if (file == null) {
            return Optional.empty();
        }
        String token = UUID.randomUUID().toString().replace("-", "");
        tokens.put(token, new Issued(file, Instant.now().plusSeconds(TOKEN_LIFETIME_SECONDS)));
        String base = requested.getScheme() + "://" + requested.getRawAuthority();
        Map<String, Object> link = new LinkedHashMap<>();
        link.put("hash_type", "SHA1");
        link.put("hash_value", current.badHash() ? sha1("not the file".getBytes(StandardCharsets.UTF_8)) : sha1(file));
        link.put("download_url", base + "/v3/billdownload/file?token=" + token);
        return Optional.of(link);
    }

    Optional<byte[]> download(String token) {
        Issued issued = token == null ? null : tokens.get(token);
        return issued == null || issued.expires().isBefore(Instant.now()) ? Optional.empty() : Optional.of(issued.file());
    }

    /** The day's file, or null when it would have no line. */
    byte[] file(LocalDate day, BillFaults faults) {
        List<String[]> lines = new ArrayList<>(); // {time, line}
        long orders = 0;
        long refunded = 0;
        for (PayLedger.Transaction transaction : ledger.all()) {
            if (transaction.successTime == null || !day.equals(beijingDay(transaction.successTime))
                    || faults.drop().contains(transaction.transactionId)) {
                continue;
            }
            long total = faults.alter().getOrDefault(transaction.transactionId, transaction.total);
            orders += total;
            lines.add(new String[] {transaction.successTime, line(transaction.successTime, transaction.appid, transaction.mchid,
                    transaction.transactionId, transaction.outTradeNo, transaction.openid, transaction.tradeType, "SUCCESS",
                    total, null, 0, transaction.description)});
        }
        for (PayLedger.Refund refund : ledger.allRefunds()) {
            if (refund.successTime == null || !day.equals(beijingDay(refund.successTime))) {
                continue;
            }
            PayLedger.Transaction transaction = refund.transaction;
            refunded += refund.amount;
            lines.add(new String[] {refund.successTime, line(refund.successTime, transaction.appid, transaction.mchid,
                    transaction.transactionId, transaction.outTradeNo, transaction.openid, transaction.tradeType, "REFUND",
                    transaction.total, refund, refund.amount, transaction.description)});
        }
        for (BillFaults.Extra extra : faults.extra()) {
            String now = PayLedger.now();
            if (!day.equals(beijingDay(now))) {
                continue;
            }
            orders += extra.amountFen();
            lines.add(new String[] {now, line(now, "wxsandboxextra", "1230000109", extra.transactionId(), extra.outTradeNo(),
                    "oSandboxExtraPayer0000000000", "NATIVE", "SUCCESS", extra.amountFen(), null, 0, "账单外的交易")});
        }
        if (lines.isEmpty()) {
            return null;
        }
        lines.sort(Comparator.comparing(line -> line[0]));
        StringBuilder file = new StringBuilder(HEADER).append("\r\n");
        lines.forEach(line -> file.append(line[1]).append("\r\n"));
        file.append(SUMMARY_HEADER).append("\r\n");
        file.append(String.join(",", "`" + lines.size(), "`" + yuan(orders), "`" + yuan(refunded), "`0.00", "`" + fee(orders),
                "`" + yuan(orders), "`" + yuan(refunded))).append("\r\n");
        return file.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String line(String time, String appid, String mchid, String transactionId, String outTradeNo, String openid,
                               String tradeType, String state, long total, PayLedger.Refund refund, long refundFen, String name) {
        List<String> fields = List.of(TIME.format(OffsetDateTime.parse(time)), appid, mchid, "0", "", transactionId, outTradeNo,
                openid, tradeType, state, "OTHERS", "CNY", yuan(total), "0.00",
                refund == null ? "0" : refund.refundId, refund == null ? "0" : refund.outRefundNo, yuan(refundFen), "0.00",
                refund == null ? "" : "ORIGINAL", refund == null ? "" : "SUCCESS", name, "", refund == null ? fee(total) : "0.00000",
                "0.60%", yuan(total), yuan(refundFen), "");
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < fields.size(); i++) {
            line.append(i == 0 ? "`" : ",`").append(fields.get(i));
        }
        return line.toString();
    }

    private static LocalDate beijingDay(String rfc3339) {
        return OffsetDateTime.parse(rfc3339).atZoneSameInstant(BEIJING).toLocalDate();
    }

    static String yuan(long fen) {
        return java.math.BigDecimal.valueOf(fen, 2).toPlainString();
    }

    /** The 0.6% fee, in yuan with five decimals, as bills show it. */
    private static String fee(long fen) {
        return java.math.BigDecimal.valueOf(fen * 6, 5).setScale(5, java.math.RoundingMode.HALF_UP).toPlainString();
    }

    static String sha1(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private record Issued(byte[] file, Instant expires) {
    }
}
