package dev.wxai.sandbox.pay;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/** The transactions the sandbox's WeChat Pay knows, by out_trade_no. */
@Component
class PayLedger {

    private final Map<String, Transaction> transactions = new ConcurrentHashMap<>();

    Transaction open(Transaction transaction) {
        return transactions.computeIfAbsent(transaction.outTradeNo, no -> transaction);
    }

    Optional<Transaction> find(String outTradeNo) {
        return Optional.ofNullable(transactions.get(outTradeNo));
    }

    static final class Transaction {
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
    }
}
