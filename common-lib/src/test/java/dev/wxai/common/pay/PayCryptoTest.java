package dev.wxai.common.pay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class PayCryptoTest {

    private static final KeyPair MERCHANT = keyPair();

    private static KeyPair keyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void decryptsTheSdkVector() throws Exception {
        JsonNode v;
        try (InputStream in = getClass().getResourceAsStream("/wechat-pay-v3.json")) {
            v = JsonMapper.builder().build().readTree(in).get("aead_aes_256_gcm");
        }
        assertThat(PayCrypto.decrypt(v.get("api_v3_key").asString(), v.get("associated_data").asString(),
                v.get("nonce").asString(), v.get("ciphertext_base64").asString()))
                .isEqualTo(v.get("plaintext").asString());
        assertThat(PayCrypto.encrypt(v.get("api_v3_key").asString(), v.get("associated_data").asString(),
                v.get("nonce").asString(), v.get("plaintext").asString()))
                .isEqualTo(v.get("ciphertext_base64").asString());
    }

    @Test
    void aTamperedResourceDoesNotOpen() {
        String key = "a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb";
        String sealed = PayCrypto.encrypt(key, "transaction", "fdasflkja484", "{\"total\":9900}");

        assertThatThrownBy(() -> PayCrypto.decrypt(key, "transaction", "fdasflkja484", sealed.substring(1)))
                .isInstanceOf(RuntimeException.class);
        assertThatThrownBy(() -> PayCrypto.decrypt(key, "refund", "fdasflkja484", sealed))
                .isInstanceOf(RuntimeException.class);
    }

    @Test
    void requestSignaturesVerifyWithAnIndependentVerifier() throws Exception {
        String message = PayAuthorization.signedMessage("POST", "/v3/pay/transactions/jsapi", "1732867200",
                "593BEC0C930BF1AFEB40B4A08C8FB242", "{\"amount\":{\"total\":9900}}");

        String signature = PayCrypto.sign(MERCHANT.getPrivate(), "SERIAL1", message);

        // The JDK alone, not our code or the SDK, checks the signature.
        Signature verifier = Signature.getInstance("SHA256withRSA");
        verifier.initVerify(MERCHANT.getPublic());
        verifier.update("POST\n/v3/pay/transactions/jsapi\n1732867200\n593BEC0C930BF1AFEB40B4A08C8FB242\n{\"amount\":{\"total\":9900}}\n"
                .getBytes(StandardCharsets.UTF_8));
        assertThat(verifier.verify(Base64.getDecoder().decode(signature))).isTrue();
    }

    @Test
    void verificationNeedsTheRightKeyIdAndMessage() {
        String message = PayCrypto.message("1732867200", "nonce", "{\"id\":\"EV-1\"}");
        String signature = PayCrypto.sign(MERCHANT.getPrivate(), "ignored", message);

        assertThat(PayCrypto.verify(MERCHANT.getPublic(), "PUB_KEY_ID_1", "PUB_KEY_ID_1", message, signature)).isTrue();
        assertThat(PayCrypto.verify(MERCHANT.getPublic(), "PUB_KEY_ID_1", "PUB_KEY_ID_2", message, signature)).isFalse();
        assertThat(PayCrypto.verify(MERCHANT.getPublic(), "PUB_KEY_ID_1", "PUB_KEY_ID_1", message + " ", signature)).isFalse();
        assertThat(PayCrypto.verify(MERCHANT.getPublic(), "PUB_KEY_ID_1", "PUB_KEY_ID_1", message, "not base64!")).isFalse();
    }

    @Test
    void authorizationHeaderRoundTrips() {
        PayAuthorization authorization = new PayAuthorization("1230000109", "n0nce", "1732867200", "SERIAL1", "c2ln");

        assertThat(PayAuthorization.parse(authorization.header())).isEqualTo(authorization);
        assertThat(authorization.header()).startsWith("WECHATPAY2-SHA256-RSA2048 mchid=\"1230000109\",nonce_str=");
        assertThat(PayAuthorization.parse("Bearer x")).isNull();
        assertThat(PayAuthorization.parse("WECHATPAY2-SHA256-RSA2048 mchid=\"1\"")).isNull();
    }
}
