package dev.wxai.sandbox.pay;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Component;

/**
 * The transactions the sandbox's WeChat Pay knows, by out_trade_no (how the merchant asks about them) and by
 * prepay_id (how the WeChat client, handed {@code package=prepay_id=…} by a page, finds the one to pay).
 */
@Component
class PayLedger {

    private final Map<String, Transaction> transactions = new ConcurrentHashMap<>();
    private final Map<String, Transaction> byPrepayId = new ConcurrentHashMap<>();

    /** The transaction of this out_trade_no: the new one, or the one opened before (its prepay_id unchanged). */
    Transaction open(Transaction transaction) {
        Transaction opened = transactions.computeIfAbsent(transaction.outTradeNo, no -> transaction);
        byPrepayId.putIfAbsent(opened.prepayId, opened);
        return opened;
    }

    Optional<Transaction> find(String outTradeNo) {
        return Optional.ofNullable(outTradeNo == null ? null : transactions.get(outTradeNo));
    }

    /** Every transaction, for the trade bills. */
    java.util.Collection<Transaction> all() {
        return transactions.values();
    }

    /** Refunds by out_refund_no: the same out_refund_no again is the same refund, as at WeChat Pay. */
    private final Map<String, Refund> refunds = new ConcurrentHashMap<>();

    /**
     * A refund of {@code amount} fen of this transaction, PROCESSING; the existing one when {@code outRefundNo} was
     * used before. Empty when the refunds (not closed) would exceed what was paid.
     */
    synchronized Optional<Refund> refund(Transaction transaction, String outRefundNo, long amount) {
        Refund existing = refunds.get(outRefundNo);
        if (existing != null) {
            return Optional.of(existing);
        }
        long taken = refunds.values().stream().filter(refund -> refund.transaction == transaction)
                .mapToLong(refund -> refund.amount).sum();
        if (taken + amount > transaction.total) {
            return Optional.empty();
        }
        Refund refund = new Refund(transaction, outRefundNo, "50" + System.nanoTime(), amount, now());
        refunds.put(outRefundNo, refund);
        return Optional.of(refund);
    }

    Optional<Refund> findRefund(String outRefundNo) {
        return Optional.ofNullable(outRefundNo == null ? null : refunds.get(outRefundNo));
    }

    java.util.Collection<Refund> allRefunds() {
        return refunds.values();
    }

    Optional<Transaction> findByPrepayId(String prepayId) {
        return Optional.ofNullable(prepayId == null ? null : byPrepayId.get(prepayId));
    }

    /** A refund as the refund API, its query and its notification show it. */
    static final class Refund {
        final Transaction transaction;
        final String outRefundNo;
        final String refundId;
        final long amount;
        final String createTime;
        volatile String status = "PROCESSING";
        volatile String successTime;

        Refund(Transaction transaction, String outRefundNo, String refundId, long amount, String createTime) {
            this.transaction = transaction;
            this.outRefundNo = outRefundNo;
            this.refundId = refundId;
            this.amount = amount;
            this.createTime = createTime;
        }

        synchronized void succeed() {
            if (successTime == null) {
                successTime = now();
            }
            status = "SUCCESS";
            transaction.state = "REFUND";
        }

        /** The refund API's answer and the query's: {@code status}. */
        Map<String, Object> json() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("refund_id", refundId);
            json.put("out_refund_no", outRefundNo);
            json.put("transaction_id", transaction.transactionId);
            json.put("out_trade_no", transaction.outTradeNo);
            json.put("channel", "ORIGINAL");
            json.put("user_received_account", "支付用户零钱");
            if (successTime != null) {
                json.put("success_time", successTime);
            }
            json.put("create_time", createTime);
            json.put("status", status);
            json.put("funds_account", "AVAILABLE");
            json.put("amount", amounts(true));
            return json;
        }

        /** The REFUND.* notification's resource: {@code refund_status}, and the merchant. */
        Map<String, Object> notification() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("mchid", transaction.mchid);
            json.put("out_trade_no", transaction.outTradeNo);
            json.put("transaction_id", transaction.transactionId);
            json.put("out_refund_no", outRefundNo);
            json.put("refund_id", refundId);
            json.put("refund_status", status);
            json.put("success_time", successTime);
            json.put("user_received_account", "支付用户零钱");
            json.put("amount", amounts(false));
            return json;
        }

        private Map<String, Object> amounts(boolean full) {
            Map<String, Object> amount = new LinkedHashMap<>();
            amount.put("total", transaction.total);
            amount.put("refund", this.amount);
            amount.put("payer_total", transaction.total);
            amount.put("payer_refund", this.amount);
            if (full) {
                amount.put("settlement_refund", this.amount);
                amount.put("settlement_total", transaction.total);
                amount.put("discount_refund", 0);
                amount.put("currency", "CNY");
            }
            return amount;
        }
    }

    /** WeChat Pay's timestamps: RFC 3339, Beijing time, whole seconds. */
    static String now() {
        return OffsetDateTime.now(ZoneOffset.ofHours(8)).withNano(0).toString();
    }

    static final class Transaction {
        /** Makes transaction ids unique even when a load test pays thousands of orders in one millisecond. */
        private static final AtomicInteger SEQUENCE = new AtomicInteger();

        final String outTradeNo;
        final String appid;
        final String mchid;
        final String description;
        final long total;
        final String openid;
        final String notifyUrl;
        final String tradeType;
        final String prepayId;
        volatile String state = "NOTPAY";
        volatile String transactionId;
        volatile String successTime;

        Transaction(String outTradeNo, String appid, String mchid, String description, long total, String openid,
                    String notifyUrl, String tradeType, String prepayId) {
            this.outTradeNo = outTradeNo;
            this.appid = appid;
            this.mchid = mchid;
            this.description = description;
            this.total = total;
            this.openid = openid;
            this.notifyUrl = notifyUrl;
            this.tradeType = tradeType;
            this.prepayId = prepayId;
        }

        /**
         * Paid, whatever it was (the sandbox's button may pay a closed order, to test the merchant). A transaction is
         * paid once: paying it again keeps its transaction_id and success_time.
         */
        synchronized void succeed() {
            if (transactionId == null) {
                transactionId = "42000" + System.currentTimeMillis() + String.format("%04d", SEQUENCE.incrementAndGet() % 10_000);
                successTime = now();
            }
            state = "SUCCESS";
        }

        /** Pays it only if it is still unpaid, as the WeChat client does; false when it was paid or closed before. */
        synchronized boolean succeedIfUnpaid() {
            if (!"NOTPAY".equals(state)) {
                return false;
            }
            succeed();
            return true;
        }

        /** Closed, unless it was paid (closing and paying race when a user pays just as the merchant gives up). */
        synchronized boolean closeUnlessPaid() {
            if ("SUCCESS".equals(state)) {
                return false;
            }
            state = "CLOSED";
            return true;
        }

        /** The transaction as the query API and notifications show it. */
        Map<String, Object> json() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("appid", appid);
            json.put("mchid", mchid);
            json.put("out_trade_no", outTradeNo);
            json.put("trade_type", tradeType);
            json.put("trade_state", state);
            json.put("trade_state_desc", state);
            if (transactionId != null) {
                json.put("transaction_id", transactionId);
                json.put("bank_type", "OTHERS");
                json.put("success_time", successTime);
                json.put("payer", Map.of("openid", openid));
            }
            json.put("amount", Map.of("total", total, "payer_total", total, "currency", "CNY", "payer_currency", "CNY"));
            return json;
        }
    }
}
