package dev.wxai.sandbox.pay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wxai.common.pay.PayCrypto;
import dev.wxai.sandbox.SandboxProperties;
import dev.wxai.testsupport.PayKeys;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code POST /sandbox/pay-prepare}: the notifications the load tool sends are the ones WeChat Pay would send. */
class PayPrepareTest {

    private static final String API_V3_KEY = "testApiV3Key0123456789abcdefghij";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void preparedNotificationsPayTheOrderAndAreSealedAndSignedAsWechatPays(@TempDir Path keysDirectory) {
        PayKeys keys = new PayKeys(keysDirectory);
        SandboxProperties properties = new SandboxProperties("wxapp", "secret", "sk", Duration.ZERO,
                Duration.ofSeconds(7200), new SandboxProperties.Pay("1230000109", API_V3_KEY,
                keys.merchantPublicPem.toString(), keys.platformPrivatePem.toString(), "PUB_KEY_ID_TEST"), List.of());
        PayLedger ledger = new PayLedger();
        PayNotifier notifier = new PayNotifier(properties, WebClient.builder(), new PlatformSigner(properties));
        WebTestClient client = WebTestClient.bindToController(
                new SandboxPayController(ledger, notifier, new UserPayment(notifier))).build();
        ledger.open(new PayLedger.Transaction("WX20261129000000abcdefghij", "wxapp", "1230000109", "course", 9900,
                "oTestPayer000000000001", "http://127.0.0.1:8080/pay/notify", "NATIVE", "wx0123456789"));

        List<Map<String, Object>> prepared = client.post().uri("/sandbox/pay-prepare")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("outTradeNos", List.of("WX20261129000000abcdefghij", "WXunknown0000000000"),
                        "notifyUrl", "http://127.0.0.1:8083/pay/notify"))
                .exchange().expectStatus().isOk()
                .expectBody(new ParameterizedTypeReference<List<Map<String, Object>>>() { })
                .returnResult().getResponseBody();

        assertThat(prepared).hasSize(1);
        Map<String, Object> notification = prepared.get(0);
        assertThat(notification.get("url")).isEqualTo("http://127.0.0.1:8083/pay/notify");
        @SuppressWarnings("unchecked")
        Map<String, String> headers = (Map<String, String>) notification.get("headers");
        String body = (String) notification.get("body");
        assertThat(headers).containsEntry("Wechatpay-Serial", "PUB_KEY_ID_TEST")
                .containsEntry("Content-Type", "application/json");
        assertThat(PayCrypto.verify(keys.platform.getPublic(), "PUB_KEY_ID_TEST", headers.get("Wechatpay-Serial"),
                PayCrypto.message(headers.get("Wechatpay-Timestamp"), headers.get("Wechatpay-Nonce"), body),
                headers.get("Wechatpay-Signature"))).isTrue();

        JsonNode sealed = JSON.readTree(body).path("resource");
        JsonNode transaction = JSON.readTree(PayCrypto.decrypt(API_V3_KEY, sealed.path("associated_data").asString(),
                sealed.path("nonce").asString(), sealed.path("ciphertext").asString()));
        assertThat(transaction.path("out_trade_no").asString()).isEqualTo("WX20261129000000abcdefghij");
        assertThat(transaction.path("trade_state").asString()).isEqualTo("SUCCESS");
        assertThat(transaction.path("amount").path("total").asLong()).isEqualTo(9900);
        assertThat(transaction.path("transaction_id").asString()).isNotBlank();
        assertThat(ledger.find("WX20261129000000abcdefghij").orElseThrow().state).isEqualTo("SUCCESS");
    }
}
