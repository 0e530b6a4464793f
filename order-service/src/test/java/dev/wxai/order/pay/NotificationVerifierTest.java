package dev.wxai.order.pay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.wechat.pay.java.core.util.PemUtil;
import dev.wxai.common.pay.PayCrypto;
import dev.wxai.order.config.OrderProperties;
import dev.wxai.order.config.PayProperties;
import dev.wxai.testsupport.PayKeys;
import java.io.FileInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;

/** Notifications signed with the WeChat Pay public key's private half, or with a platform certificate's key. */
class NotificationVerifierTest {

    private static final String API_V3_KEY = "unitApiV3Key0123456789abcdefghij";
    private static final Path DIR = Path.of("target", "verifier-keys");
    private static PayKeys keys;
    private static Path certificatePem;
    private static PrivateKey certificateKey;
    private static String certificateSerial;

    @BeforeAll
    static void keys() throws Exception {
        keys = new PayKeys(DIR);
        // A self-signed platform certificate from the JDK's own keytool.
        Path store = DIR.resolve("platform.p12");
        Files.deleteIfExists(store);
        certificatePem = DIR.resolve("platform-cert.pem");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(keytool, "-genkeypair", "-alias", "wxpay", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=Wechatpay",
                "-validity", "30", "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", "changeit");
        run(keytool, "-exportcert", "-rfc", "-alias", "wxpay", "-keystore", store.toString(), "-storepass", "changeit",
                "-file", certificatePem.toString());
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(store.toFile())) {
            keyStore.load(in, "changeit".toCharArray());
        }
        certificateKey = (PrivateKey) keyStore.getKey("wxpay", "changeit".toCharArray());
        certificateSerial = PemUtil.getSerialNumber(PemUtil.loadX509FromPath(certificatePem.toString()));
    }

    private static void run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(process.waitFor()).as(String.join(" ", command)).isZero();
    }

    private NotificationVerifier verifier(List<String> certificates) {
        PayProperties pay = new PayProperties("1900000109", "wxunit", API_V3_KEY, "SERIAL", keys.merchantPrivatePem.toString(),
                "PUB_KEY_ID_UNIT", keys.platformPublicPem.toString(), "http://unused", "http://unused", certificates);
        OrderProperties orders = new OrderProperties(Duration.ofMinutes(30), Duration.ofMinutes(5), Duration.ofMinutes(1), 10,
                Duration.ofSeconds(1), 10, OrderProperties.PartialRefund.PRO_RATA, Duration.ofMinutes(10), Duration.ofHours(1),
                java.time.LocalTime.of(10, 30));
        return new NotificationVerifier(pay, new WechatPaySignatures(pay, orders, Clock.systemUTC()));
    }

    private static String body() {
        String ciphertext = PayCrypto.encrypt(API_V3_KEY, "transaction", "n0nce0123456", "{\"out_trade_no\":\"WX1\"}");
        return "{\"id\":\"EV-1\",\"event_type\":\"TRANSACTION.SUCCESS\",\"resource\":{\"algorithm\":\"AEAD_AES_256_GCM\","
                + "\"ciphertext\":\"" + ciphertext + "\",\"associated_data\":\"transaction\",\"nonce\":\"n0nce0123456\"}}";
    }

    private static HttpHeaders signed(PrivateKey key, String serial, String body) {
        return signed(key, serial, body, System.currentTimeMillis() / 1000);
    }

    private static HttpHeaders signed(PrivateKey key, String serial, String body, long epochSecond) {
        String timestamp = String.valueOf(epochSecond);
        HttpHeaders headers = new HttpHeaders();
        headers.set("Wechatpay-Serial", serial);
        headers.set("Wechatpay-Timestamp", timestamp);
        headers.set("Wechatpay-Nonce", "abc");
        headers.set("Wechatpay-Signature", PayCrypto.sign(key, serial, PayCrypto.message(timestamp, "abc", body)));
        return headers;
    }

    @Test
    void theWechatPayPublicKeyVerifiesWhatItsPrivateHalfSigned() {
        String body = body();
        assertThat(verifier(List.of()).open(signed(keys.platform.getPrivate(), "PUB_KEY_ID_UNIT", body), body).resource()
                .path("out_trade_no").asString()).isEqualTo("WX1");
    }

    @Test
    void aPlatformCertificateIsTheFallbackForTheSerialItCarries() {
        String body = body();
        NotificationVerifier verifier = verifier(List.of(certificatePem.toString()));

        assertThat(verifier.open(signed(certificateKey, certificateSerial, body), body).eventType()).isEqualTo("TRANSACTION.SUCCESS");
        // The certificate's key does not vouch for the public key's id, nor the other way round.
        assertThatThrownBy(() -> verifier.open(signed(certificateKey, "PUB_KEY_ID_UNIT", body), body))
                .isInstanceOf(RejectedNotification.class);
        assertThatThrownBy(() -> verifier.open(signed(keys.platform.getPrivate(), certificateSerial, body), body))
                .isInstanceOf(RejectedNotification.class);
    }

    @Test
    void anUnknownSerialIsRefused() {
        String body = body();
        assertThatThrownBy(() -> verifier(List.of()).open(signed(certificateKey, certificateSerial, body), body))
                .isInstanceOf(RejectedNotification.class)
                .hasMessageContaining("unknown Wechatpay-Serial");
    }

    @Test
    void staleProbingAndIncompleteSignaturesAreRefusedWithTheReason() {
        String body = body();
        NotificationVerifier verifier = verifier(List.of());
        long now = System.currentTimeMillis() / 1000;

        assertThat(verifier.open(signed(keys.platform.getPrivate(), "PUB_KEY_ID_UNIT", body, now - 290), body).id()).isEqualTo("EV-1");
        assertThatThrownBy(() -> verifier.open(signed(keys.platform.getPrivate(), "PUB_KEY_ID_UNIT", body, now - 310), body))
                .isInstanceOf(RejectedNotification.class).hasMessageContaining("s away from now");
        assertThatThrownBy(() -> verifier.open(signed(keys.platform.getPrivate(), "PUB_KEY_ID_UNIT", body, now + 310), body))
                .isInstanceOf(RejectedNotification.class).hasMessageContaining("s away from now");
        // WeChat Pay's own probe: a signature that must fail, to check that merchants verify at all.
        HttpHeaders probe = signed(keys.platform.getPrivate(), "PUB_KEY_ID_UNIT", body);
        probe.set("Wechatpay-Signature", "WECHATPAY/SIGNTEST/" + probe.getFirst("Wechatpay-Signature"));
        assertThatThrownBy(() -> verifier.open(probe, body)).isInstanceOf(RejectedNotification.class)
                .hasMessageContaining("signature verification failed");
        HttpHeaders noNonce = signed(keys.platform.getPrivate(), "PUB_KEY_ID_UNIT", body);
        noNonce.remove("Wechatpay-Nonce");
        assertThatThrownBy(() -> verifier.open(noNonce, body)).isInstanceOf(RejectedNotification.class)
                .hasMessageContaining("Wechatpay-Nonce is missing");
        // One changed byte of the body breaks the signature.
        assertThatThrownBy(() -> verifier.open(signed(keys.platform.getPrivate(), "PUB_KEY_ID_UNIT", body), body.replace("EV-1", "EV-2")))
                .isInstanceOf(RejectedNotification.class).hasMessageContaining("signature verification failed");
    }
}
