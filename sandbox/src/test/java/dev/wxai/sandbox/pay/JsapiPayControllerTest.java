package dev.wxai.sandbox.pay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wxai.common.pay.PayCrypto;
import dev.wxai.sandbox.SandboxProperties;
import dev.wxai.testsupport.PayKeys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The stand-in WeChat client's pay sheet: it pays what the real client would let a user pay (a prepay_id of this
 * appId, signed by the merchant), exactly as the sandbox's button pays, and nothing else.
 */
class JsapiPayControllerTest {

    private static final String API_V3_KEY = "testApiV3Key0123456789abcdefghij";
    private static final String OUT_TRADE_NO = "WX20261129000001";
    private static final String PREPAY_ID = "wx26112221580621e9b071c00d9e093b0000";
    private static final String GATEWAY_ORIGIN = "http://127.0.0.1:8080";
    private static final String SANDBOX_ORIGIN = "http://127.0.0.1:8090";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static PayKeys keys;

    private final List<Notification> notifications = new CopyOnWriteArrayList<>();
    private DisposableServer merchant;
    private PayLedger ledger;
    private WebTestClient client;

    @BeforeAll
    static void makeKeys(@TempDir Path directory) {
        keys = new PayKeys(directory);
    }

    @BeforeEach
    void openAnOrder() {
        merchant = HttpServer.create().host("127.0.0.1").port(0)
                .handle((request, response) -> request.receive().aggregate().asString(StandardCharsets.UTF_8)
                        .doOnNext(body -> notifications.add(new Notification(request.requestHeaders().get("Wechatpay-Serial"),
                                request.requestHeaders().get("Wechatpay-Timestamp"), request.requestHeaders().get("Wechatpay-Nonce"),
                                request.requestHeaders().get("Wechatpay-Signature"), body)))
                        .then(response.status(204).send()))
                .bindNow(Duration.ofSeconds(5));
        SandboxProperties properties = new SandboxProperties("wxapp", "secret", "sk", Duration.ZERO, Duration.ofSeconds(7200),
                new SandboxProperties.Pay("1230000109", API_V3_KEY, keys.merchantPublicPem.toString(),
                        keys.platformPrivatePem.toString(), "PUB_KEY_ID_TEST"), List.of());
        ledger = new PayLedger();
        PayNotifier notifier = new PayNotifier(properties, WebClient.builder(), new PlatformSigner(properties));
        UserPayment payment = new UserPayment(notifier);
        client = WebTestClient.bindToController(
                        new JsapiPayController(new BrandPayVerifier(ledger, new MerchantKey(properties)), payment),
                        new SandboxPayController(ledger, notifier, payment))
                // An absolute base: CORS compares the Origin with the request's own scheme, host and port.
                .configureClient().baseUrl(SANDBOX_ORIGIN)
                .build();
        ledger.open(new PayLedger.Transaction(OUT_TRADE_NO, "wxapp", "1230000109", "AI 入门课", 9900,
                "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", "http://127.0.0.1:" + merchant.port() + "/pay/notify", "JSAPI", PREPAY_ID));
    }

    @AfterEach
    void stopMerchant() {
        merchant.disposeNow();
    }

    @Test
    void aRequestSignedByTheMerchantPaysTheOrderOnceAndNotifiesItsNotifyUrl() {
        pay(signed("wxapp", PREPAY_ID, keys.merchant.getPrivate()))
                .jsonPath("$.err_msg").isEqualTo("get_brand_wcpay_request:ok")
                .jsonPath("$.err_desc").doesNotExist();

        assertThat(ledger.find(OUT_TRADE_NO).orElseThrow().state).isEqualTo("SUCCESS");
        assertThat(notifications).singleElement().satisfies(notification -> {
            assertThat(PayCrypto.verify(keys.platform.getPublic(), "PUB_KEY_ID_TEST", notification.serial(),
                    PayCrypto.message(notification.timestamp(), notification.nonce(), notification.body()),
                    notification.signature())).isTrue();
            JsonNode envelope = JSON.readTree(notification.body());
            assertThat(envelope.path("event_type").asString()).isEqualTo("TRANSACTION.SUCCESS");
            JsonNode sealed = envelope.path("resource");
            JsonNode transaction = JSON.readTree(PayCrypto.decrypt(API_V3_KEY, sealed.path("associated_data").asString(),
                    sealed.path("nonce").asString(), sealed.path("ciphertext").asString()));
            assertThat(transaction.path("out_trade_no").asString()).isEqualTo(OUT_TRADE_NO);
            assertThat(transaction.path("trade_type").asString()).isEqualTo("JSAPI");
            assertThat(transaction.path("trade_state").asString()).isEqualTo("SUCCESS");
            assertThat(transaction.path("payer").path("openid").asString()).isEqualTo("oUpF8uMuAJO_M2pxb1Q9zNjWeS6o");
            assertThat(transaction.path("amount").path("total").asLong()).isEqualTo(9900);
        });

        pay(signed("wxapp", PREPAY_ID, keys.merchant.getPrivate()))
                .jsonPath("$.err_msg").isEqualTo("get_brand_wcpay_request:fail")
                .jsonPath("$.err_desc").value(String.class, reason -> assertThat(reason).startsWith("订单已支付"));
        assertThat(notifications).hasSize(1);
    }

    @Test
    void thePreviewShowsTheOrdersAmountAndPaysNothing() {
        client.post().uri("/sandbox/jsapi-pay/preview").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(signed("wxapp", PREPAY_ID, keys.merchant.getPrivate()))
                .exchange().expectStatus().isOk()
                .expectBody()
                .jsonPath("$.payable").isEqualTo(true)
                .jsonPath("$.total").isEqualTo(9900)
                .jsonPath("$.currency").isEqualTo("CNY")
                .jsonPath("$.description").isEqualTo("AI 入门课")
                .jsonPath("$.err_desc").doesNotExist();

        client.post().uri("/sandbox/jsapi-pay/preview").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(signed("wxapp", PREPAY_ID, keys.platform.getPrivate()))
                .exchange().expectStatus().isOk()
                .expectBody()
                .jsonPath("$.payable").isEqualTo(false)
                .jsonPath("$.total").doesNotExist()
                .jsonPath("$.err_desc").value(String.class, reason -> assertThat(reason).startsWith("支付验证签名失败"));

        assertThat(ledger.find(OUT_TRADE_NO).orElseThrow().state).isEqualTo("NOTPAY");
        assertThat(notifications).isEmpty();
    }

    @Test
    void whatTheWechatClientWouldRefusePaysNothing() {
        ledger.open(new PayLedger.Transaction("WX20261129000002", "wxapp", "1230000109", "AI 入门课", 9900, "",
                "http://127.0.0.1:" + merchant.port() + "/pay/notify", "NATIVE", "wxnative0000000000000000000000000"));
        Map<String, String> unsigned = signed("wxapp", PREPAY_ID, keys.merchant.getPrivate());
        unsigned.remove("paySign");
        Map<String, String> hmac = signed("wxapp", PREPAY_ID, keys.merchant.getPrivate());
        hmac.put("signType", "HMAC-SHA256");
        Map<Map<String, String>, String> refusals = new LinkedHashMap<>();
        refusals.put(signed("wxapp", PREPAY_ID, keys.platform.getPrivate()), "支付验证签名失败");
        refusals.put(signed("wxother", PREPAY_ID, keys.merchant.getPrivate()), "appId 与下单时的 appid 不一致");
        refusals.put(signed("wxapp", "wxunknown", keys.merchant.getPrivate()), "prepay_id 无效");
        refusals.put(signed("wxapp", "wxnative0000000000000000000000000", keys.merchant.getPrivate()), "不是 JSAPI");
        refusals.put(hmac, "signType 须为 RSA");
        refusals.put(unsigned, "缺少参数 · missing paySign");

        refusals.forEach((request, reason) -> pay(request)
                .jsonPath("$.err_msg").isEqualTo("get_brand_wcpay_request:fail")
                .jsonPath("$.err_desc").value(String.class, desc -> assertThat(desc).as("%s", request).contains(reason)));

        assertThat(ledger.find(OUT_TRADE_NO).orElseThrow().state).isEqualTo("NOTPAY");
        assertThat(notifications).isEmpty();
    }

    @Test
    void aClosedOrderCannotBePaid() {
        ledger.find(OUT_TRADE_NO).orElseThrow().closeUnlessPaid();

        pay(signed("wxapp", PREPAY_ID, keys.merchant.getPrivate()))
                .jsonPath("$.err_msg").isEqualTo("get_brand_wcpay_request:fail")
                .jsonPath("$.err_desc").value(String.class, reason -> assertThat(reason).startsWith("订单已关闭"));
        assertThat(notifications).isEmpty();
    }

    @Test
    void anOrderPaidWithTheSandboxButtonIsPaidForThePaySheetToo() {
        client.post().uri("/sandbox/pay/" + OUT_TRADE_NO).contentType(MediaType.APPLICATION_JSON).bodyValue("{}")
                .exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.statuses[0]").isEqualTo(204).jsonPath("$.transactionId").isNotEmpty();

        pay(signed("wxapp", PREPAY_ID, keys.merchant.getPrivate()))
                .jsonPath("$.err_msg").isEqualTo("get_brand_wcpay_request:fail");
        assertThat(notifications).hasSize(1);
    }

    @Test
    void bothPayEndpointsAnswerCorsPreflightsFromAnyOriginWithoutCredentials() {
        for (String path : List.of("/sandbox/jsapi-pay", "/sandbox/jsapi-pay/preview")) {
            client.options().uri(path)
                    .header("Origin", GATEWAY_ORIGIN)
                    .header("Access-Control-Request-Method", "POST")
                    .header("Access-Control-Request-Headers", "content-type")
                    .exchange()
                    .expectStatus().isOk()
                    .expectHeader().valueEquals("Access-Control-Allow-Origin", "*")
                    .expectHeader().value("Access-Control-Allow-Methods", methods -> assertThat(methods).contains("POST"))
                    .expectHeader().value("Access-Control-Allow-Headers", headers -> assertThat(headers).containsIgnoringCase("content-type"))
                    .expectHeader().doesNotExist("Access-Control-Allow-Credentials");
        }
        client.post().uri("/sandbox/jsapi-pay/preview").header("Origin", GATEWAY_ORIGIN)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of())
                .exchange()
                .expectHeader().valueEquals("Access-Control-Allow-Origin", "*");
    }

    @Test
    void otherSandboxPathsAnswerNoCors() {
        client.options().uri("/sandbox/pay/" + OUT_TRADE_NO)
                .header("Origin", GATEWAY_ORIGIN)
                .header("Access-Control-Request-Method", "POST")
                .exchange()
                .expectHeader().doesNotExist("Access-Control-Allow-Origin");
    }

    @Test
    void theBridgeScriptIsServedAsJavascript() {
        client.get().uri("/sandbox/weixin-jsbridge.js").exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith("application/javascript")
                .expectBody(String.class).value(script -> assertThat(script)
                        .contains("WeixinJSBridgeReady", "getBrandWCPayRequest", "'get_brand_wcpay_request'",
                                "wx-pay-confirm", "wx-pay-cancel",
                                "'/sandbox/jsapi-pay'", "'/sandbox/jsapi-pay/preview'", "document.currentScript"));
    }

    private WebTestClient.BodyContentSpec pay(Map<String, String> request) {
        return client.post().uri("/sandbox/jsapi-pay").contentType(MediaType.APPLICATION_JSON).bodyValue(request)
                .exchange().expectStatus().isOk().expectBody();
    }

    /** What the merchant's server hands the page for {@code getBrandWCPayRequest}, signed with {@code key}. */
    private static Map<String, String> signed(String appId, String prepayId, PrivateKey key) {
        String timeStamp = String.valueOf(System.currentTimeMillis() / 1000);
        String nonceStr = "5K8264ILTKCH16CQ2502SI8ZNMTM67VS";
        String prepayPackage = "prepay_id=" + prepayId;
        Map<String, String> request = new LinkedHashMap<>();
        request.put("appId", appId);
        request.put("timeStamp", timeStamp);
        request.put("nonceStr", nonceStr);
        request.put("package", prepayPackage);
        request.put("signType", "RSA");
        request.put("paySign", PayCrypto.sign(key, "", PayCrypto.message(appId, timeStamp, nonceStr, prepayPackage)));
        return request;
    }

    /** A notification as the merchant received it: WeChat Pay's signature headers and the body. */
    private record Notification(String serial, String timestamp, String nonce, String signature, String body) {
    }
}
