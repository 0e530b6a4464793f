package dev.wxai.order.pay;

import dev.wxai.common.pay.PayAuthorization;
import dev.wxai.common.pay.PayCrypto;
import dev.wxai.order.config.PayProperties;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.time.LocalDate;
import java.security.SecureRandom;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * WeChat Pay API v3 over WebClient (the SDK's own HTTP client blocks), every request signed with the merchant
 * private key: {@code Authorization: WECHATPAY2-SHA256-RSA2048 …} over {@code METHOD\nPATH?QUERY\nTIMESTAMP\nNONCE\nBODY\n}.
 * Every successful answer must carry WeChat Pay's own signature ({@link WechatPaySignatures}); one that does not is
 * treated as a failed call, so a forged "SUCCESS" on the way back can never mark an order paid. Error answers are
 * not verified (the SDK does not either): they only ever lead to a retry or a re-query, never to a state change.
 * https://pay.weixin.qq.com/docs/merchant/apis/jsapi-payment/direct-jsons/jsapi-prepay.html
 */
@Component
public class WechatPayClient {

    /** WeChat Pay wants RFC 3339 times; Beijing time reads naturally in its merchant platform. */
    static final DateTimeFormatter RFC3339 = DateTimeFormatter.ISO_OFFSET_DATE_TIME.withZone(ZoneOffset.ofHours(8));
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final WebClient webClient;
    private final WebClient downloads;
    private final PayProperties properties;
    private final PrivateKey merchantKey;
    private final Clock clock;
    private final WechatPaySignatures signatures;
    private final SecureRandom random = new SecureRandom();

    WechatPayClient(WebClient.Builder builder, PayProperties properties, Clock clock, WechatPaySignatures signatures) {
        this.webClient = builder.clone().baseUrl(properties.baseUrl()).build();
        // Bills can be large; the download URL is absolute (WeChat Pay names its own host).
        this.downloads = builder.clone().codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(64 * 1024 * 1024)).build();
        this.properties = properties;
        this.merchantKey = PayCrypto.privateKey(properties.merchantPrivateKey());
        this.clock = clock;
        this.signatures = signatures;
    }

    public Mono<String> jsapiPrepay(String outTradeNo, String description, long amountFen, Instant expiresAt, String openid) {
        return call(HttpMethod.POST, "/v3/pay/transactions/jsapi",
                prepay(outTradeNo, description, amountFen, expiresAt, new PayApi.Payer(openid)), PayApi.PrepayAnswer.class)
                .map(PayApi.PrepayAnswer::prepayId);
    }

    public Mono<String> nativePrepay(String outTradeNo, String description, long amountFen, Instant expiresAt) {
        return call(HttpMethod.POST, "/v3/pay/transactions/native", prepay(outTradeNo, description, amountFen, expiresAt, null),
                PayApi.PrepayAnswer.class)
                .map(PayApi.PrepayAnswer::codeUrl);
    }

    /** The transaction as WeChat Pay knows it ({@code trade_state}: SUCCESS, NOTPAY, CLOSED, USERPAYING, …). */
    public Mono<PayApi.Transaction> query(String outTradeNo) {
        return call(HttpMethod.GET, "/v3/pay/transactions/out-trade-no/" + outTradeNo + "?mchid=" + properties.mchId(), null,
                PayApi.Transaction.class);
    }

    public Mono<Void> close(String outTradeNo) {
        return call(HttpMethod.POST, "/v3/pay/transactions/out-trade-no/" + outTradeNo + "/close",
                new PayApi.CloseRequest(properties.mchId()), JsonNode.class).then();
    }

    /** Asks for a refund of {@code refundFen} of a {@code totalFen} payment; its outcome comes later (notification, query). */
    public Mono<PayApi.Refund> refund(String outTradeNo, String outRefundNo, String reason, long refundFen, long totalFen) {
        return call(HttpMethod.POST, "/v3/refund/domestic/refunds", new PayApi.RefundRequest(outTradeNo, outRefundNo, reason,
                properties.notifyUrl(), new PayApi.RefundAmountRequest(refundFen, totalFen, "CNY")), PayApi.Refund.class);
    }

    /** A refund as WeChat Pay knows it now: how a refund whose notification never came is settled. */
    public Mono<PayApi.Refund> queryRefund(String outRefundNo) {
        return call(HttpMethod.GET, "/v3/refund/domestic/refunds/" + outRefundNo, null, PayApi.Refund.class);
    }

    /** Where the trade bill of one Beijing day is; WeChat Pay answers NO_STATEMENT_EXIST for a day without trades. */
    public Mono<PayApi.TradeBillLink> tradeBill(LocalDate billDate) {
        return call(HttpMethod.GET, "/v3/bill/tradebill?bill_date=" + billDate + "&bill_type=ALL", null, PayApi.TradeBillLink.class);
    }

    /**
     * The bill file behind a {@link PayApi.TradeBillLink}, as bytes. The request is signed like every other; the answer
     * is not signed by WeChat Pay (its SHA-1 from the signed link is what proves it), so it is not verified here.
     */
    public Mono<byte[]> download(String downloadUrl) {
        return Mono.defer(() -> {
            java.net.URI uri = java.net.URI.create(downloadUrl);
            String pathAndQuery = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
            return downloads.get().uri(uri)
                    .header("Authorization", authorization(HttpMethod.GET, pathAndQuery, ""))
                    .exchangeToMono(response -> response.statusCode().is2xxSuccessful()
                            ? response.bodyToMono(byte[].class).defaultIfEmpty(new byte[0])
                            : response.bodyToMono(String.class).defaultIfEmpty("").map(text -> {
                                throw new WechatPayException(response.statusCode().value(), "DOWNLOAD_FAILED", text);
                            }));
        }).timeout(TIMEOUT);
    }

    /** JSAPI pay parameters for the page's {@code WeixinJSBridge.invoke('getBrandWCPayRequest', …)}. */
    public JsapiPayParameters jsapiParameters(String prepayId) {
        String timeStamp = String.valueOf(clock.millis() / 1000);
        String nonce = nonce();
        String pkg = "prepay_id=" + prepayId;
        String paySign = PayCrypto.sign(merchantKey, properties.merchantSerial(),
                PayCrypto.message(properties.appId(), timeStamp, nonce, pkg));
        return new JsapiPayParameters(properties.appId(), timeStamp, nonce, pkg, "RSA", paySign);
    }

    private PayApi.PrepayRequest prepay(String outTradeNo, String description, long amountFen, Instant expiresAt, PayApi.Payer payer) {
        return new PayApi.PrepayRequest(properties.appId(), properties.mchId(), description, outTradeNo,
                RFC3339.format(expiresAt), properties.notifyUrl(), new PayApi.Amount(amountFen, "CNY"), payer);
    }

    private <T> Mono<T> call(HttpMethod method, String pathAndQuery, Object body, Class<T> answer) {
        return Mono.defer(() -> {
            String json = body == null ? "" : PayApi.JSON.writeValueAsString(body);
            WebClient.RequestBodySpec request = webClient.method(method).uri(pathAndQuery)
                    .header("Authorization", authorization(method, pathAndQuery, json))
                    .accept(MediaType.APPLICATION_JSON);
            WebClient.RequestHeadersSpec<?> ready = body == null
                    ? request
                    : request.contentType(MediaType.APPLICATION_JSON).bodyValue(json);
            return ready.exchangeToMono(this::read);
        }).timeout(TIMEOUT).map(node -> PayApi.read(node, answer));
    }

    private String authorization(HttpMethod method, String pathAndQuery, String body) {
        String timestamp = String.valueOf(clock.millis() / 1000);
        String nonce = nonce();
        String signature = PayCrypto.sign(merchantKey, properties.merchantSerial(),
                PayAuthorization.signedMessage(method.name(), pathAndQuery, timestamp, nonce, body));
        return new PayAuthorization(properties.mchId(), nonce, timestamp, properties.merchantSerial(), signature).header();
    }

    private Mono<JsonNode> read(ClientResponse response) {
        return response.bodyToMono(String.class).defaultIfEmpty("").map(text -> {
            int status = response.statusCode().value();
            if (response.statusCode().is2xxSuccessful()) {
                signatures.problem(response.headers().asHttpHeaders(), text).ifPresent(problem -> {
                    throw new WechatPayException(status, WechatPayException.UNTRUSTED_RESPONSE, problem);
                });
            }
            JsonNode node = text.isBlank() ? PayApi.JSON.createObjectNode() : readJson(status, text);
            if (!response.statusCode().is2xxSuccessful()) {
                throw new WechatPayException(status, node.path("code").asString("UNKNOWN"), node.path("message").asString(text));
            }
            return node;
        });
    }

    private static JsonNode readJson(int status, String text) {
        try {
            return PayApi.JSON.readTree(text);
        } catch (tools.jackson.core.JacksonException e) {
            throw new WechatPayException(status, "UNREADABLE_RESPONSE", "answer is not JSON");
        }
    }

    private String nonce() {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return HexFormat.of().withUpperCase().formatHex(bytes);
    }
}
