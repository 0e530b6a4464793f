package dev.wxai.order.pay;

import com.fasterxml.jackson.annotation.JsonInclude;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

/**
 * WeChat Pay API v3's messages as typed records; their JSON is snake_case ({@code out_trade_no}), which the
 * {@link #JSON} mapper maps to these camelCase components. Unknown fields are ignored: WeChat Pay adds fields.
 * https://pay.weixin.qq.com/docs/merchant/apis/jsapi-payment/direct-jsons/jsapi-prepay.html
 */
public final class PayApi {

    static final JsonMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .changeDefaultPropertyInclusion(include -> include.withValueInclusion(JsonInclude.Include.NON_NULL))
            .build();

    private PayApi() {
    }

    /** A record as WeChat Pay's JSON, e.g. a queried transaction kept with its payment. */
    public static String write(Object record) {
        return JSON.writeValueAsString(record);
    }

    /** A decrypted notification resource or a query answer, as one of these records. */
    public static <T> T read(JsonNode json, Class<T> type) {
        return JSON.treeToValue(json, type);
    }

    public record Amount(long total, String currency) {
    }

    public record Payer(String openid) {
    }

    /** {@code POST /v3/pay/transactions/jsapi} ({@code payer} set) or {@code /native} ({@code payer} null). */
    public record PrepayRequest(String appid, String mchid, String description, String outTradeNo, String timeExpire,
                                String notifyUrl, Amount amount, Payer payer) {
    }

    public record PrepayAnswer(String prepayId, String codeUrl) {
    }

    public record CloseRequest(String mchid) {
    }

    public record TransactionAmount(Long total, Long payerTotal, String currency) {
    }

    /** A payment as a TRANSACTION.SUCCESS notification or the query by out_trade_no tells it. */
    public record Transaction(String appid, String mchid, String outTradeNo, String transactionId, String tradeType,
                              String tradeState, String successTime, TransactionAmount amount, Payer payer) {

        public long totalFen() {
            return amount == null || amount.total() == null ? -1 : amount.total();
        }
    }

    public record RefundAmountRequest(long refund, long total, String currency) {
    }

    /** {@code POST /v3/refund/domestic/refunds}. */
    public record RefundRequest(String outTradeNo, String outRefundNo, String reason, String notifyUrl,
                                RefundAmountRequest amount) {
    }

    public record RefundAmount(Long total, Long refund, Long payerTotal, Long payerRefund) {
    }

    /**
     * A refund as the refund API, its query ({@code status}) or a REFUND.* notification ({@code refund_status},
     * {@code mchid}) tell it.
     */
    public record Refund(String mchid, String outTradeNo, String transactionId, String outRefundNo, String refundId,
                         String status, String refundStatus, String successTime, RefundAmount amount) {

        /** SUCCESS, CLOSED, PROCESSING or ABNORMAL, whichever field carried it. */
        public String state() {
            return refundStatus != null ? refundStatus : status;
        }

        public long refundFen() {
            return amount == null || amount.refund() == null ? -1 : amount.refund();
        }

        public long totalFen() {
            return amount == null || amount.total() == null ? -1 : amount.total();
        }
    }

    /** {@code GET /v3/bill/tradebill}: where the day's bill can be downloaded, and the SHA-1 of its bytes. */
    public record TradeBillLink(String hashType, String hashValue, String downloadUrl) {
    }
}
