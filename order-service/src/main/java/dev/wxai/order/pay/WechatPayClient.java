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
import java.util.LinkedHashMap;
import java.util.Map;
import java.security.SecureRandom;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

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

    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** WeChat Pay wants RFC 3339 times; Beijing time reads naturally in its merchant platform. */
    static final DateTimeFormatter RFC3339 = DateTimeFormatter.ISO_OFFSET_DATE_TIME.withZone(ZoneOffset.ofHours(8));
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final WebClient webClient;
    private final PayProperties properties;
    private final PrivateKey merchantKey;
    private final Clock clock;
    private final WechatPaySignatures signatures;
    private final SecureRandom random = new SecureRandom();

    WechatPayClient(WebClient.Builder builder, PayProperties properties, Clock clock, WechatPaySignatures signatures) {
        this.webClient = builder.clone().baseUrl(properties.baseUrl()).build();
        this.properties = properties;
        this.merchantKey = PayCrypto.privateKey(properties.merchantPrivateKey());
        this.clock = clock;
        this.signatures = signatures;
    }

    public Mono<String> jsapiPrepay(String outTradeNo, String description, long amountFen, Instant expiresAt, String openid) {
        Map<String, Object> body = prepayBody(outTradeNo, description, amountFen, expiresAt);
        body.put("payer", Map.of("openid", openid));
        return call(HttpMethod.POST, "/v3/pay/transactions/jsapi", body).map(node -> node.path("prepay_id").asString());
    }

    public Mono<String> nativePrepay(String outTradeNo, String description, long amountFen, Instant expiresAt) {
        return call(HttpMethod.POST, "/v3/pay/transactions/native", prepayBody(outTradeNo, description, amountFen, expiresAt))
                .map(node -> node.path("code_url").asString());
    }

    /** The transaction as WeChat Pay knows it ({@code trade_state}: SUCCESS, NOTPAY, CLOSED, USERPAYING, …). */
    public Mono<JsonNode> query(String outTradeNo) {
        return call(HttpMethod.GET, "/v3/pay/transactions/out-trade-no/" + outTradeNo + "?mchid=" + properties.mchId(), null);
    }

    public Mono<Void> close(String outTradeNo) {
        return call(HttpMethod.POST, "/v3/pay/transactions/out-trade-no/" + outTradeNo + "/close",
                Map.of("mchid", properties.mchId())).then();
    }

    public Mono<JsonNode> refund(String outTradeNo, String outRefundNo, long refundFen, long totalFen) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("out_trade_no", outTradeNo);
        body.put("out_refund_no", outRefundNo);
        body.put("notify_url", properties.notifyUrl());
        body.put("amount", Map.of("refund", refundFen, "total", totalFen, "currency", "CNY"));
        return call(HttpMethod.POST, "/v3/refund/domestic/refunds", body);
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

    private Map<String, Object> prepayBody(String outTradeNo, String description, long amountFen, Instant expiresAt) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("appid", properties.appId());
        body.put("mchid", properties.mchId());
        body.put("description", description);
        body.put("out_trade_no", outTradeNo);
        body.put("time_expire", RFC3339.format(expiresAt));
        body.put("notify_url", properties.notifyUrl());
        body.put("amount", Map.of("total", amountFen, "currency", "CNY"));
        return body;
    }

    private Mono<JsonNode> call(HttpMethod method, String pathAndQuery, Object body) {
        return Mono.defer(() -> {
            String json = body == null ? "" : JSON.writeValueAsString(body);
            String timestamp = String.valueOf(clock.millis() / 1000);
            String nonce = nonce();
            String signature = PayCrypto.sign(merchantKey, properties.merchantSerial(),
                    PayAuthorization.signedMessage(method.name(), pathAndQuery, timestamp, nonce, json));
            String authorization = new PayAuthorization(properties.mchId(), nonce, timestamp,
                    properties.merchantSerial(), signature).header();
            WebClient.RequestBodySpec request = webClient.method(method).uri(pathAndQuery)
                    .header("Authorization", authorization)
                    .accept(MediaType.APPLICATION_JSON);
            WebClient.RequestHeadersSpec<?> ready = body == null
                    ? request
                    : request.contentType(MediaType.APPLICATION_JSON).bodyValue(json);
            return ready.exchangeToMono(this::read);
        }).timeout(TIMEOUT);
    }

    private Mono<JsonNode> read(ClientResponse response) {
        return response.bodyToMono(String.class).defaultIfEmpty("").map(text -> {
            int status = response.statusCode().value();
            if (response.statusCode().is2xxSuccessful()) {
                signatures.problem(response.headers().asHttpHeaders(), text).ifPresent(problem -> {
                    throw new WechatPayException(status, WechatPayException.UNTRUSTED_RESPONSE, problem);
                });
            }
            JsonNode node = text.isBlank() ? JSON.createObjectNode() : readJson(status, text);
            if (!response.statusCode().is2xxSuccessful()) {
                throw new WechatPayException(status, node.path("code").asString("UNKNOWN"), node.path("message").asString(text));
            }
            return node;
        });
    }

    private static JsonNode readJson(int status, String text) {
        try {
            return JSON.readTree(text);
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
