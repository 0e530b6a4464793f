package dev.wxai.sandbox.pay;

import dev.wxai.common.pay.PayCrypto;
import dev.wxai.sandbox.SandboxProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;

/**
 * Signs what WeChat Pay says, notifications and API answers alike: SHA256withRSA over {@code timestamp\nnonce\nbody\n}
 * with the platform private key, whose id goes in {@code Wechatpay-Serial}. Can sign with another key (forged) or
 * with a timestamp ten minutes old (stale), to prove the merchant checks.
 */
@Component
class PlatformSigner {

    private final SandboxProperties.Pay pay;
    private final SecureRandom random = new SecureRandom();
    private final PrivateKey platformKey;
    /** A key that is not WeChat Pay's, made once at start-up (RSA key generation must not run on an event loop). */
    private final PrivateKey forgerKey = newForgerKey();

    PlatformSigner(SandboxProperties properties) {
        this.pay = properties.pay();
        // Read once at start-up, not on an event-loop thread later; absent keys only disable WeChat Pay.
        this.platformKey = pay == null || !Files.isReadable(Path.of(pay.platformPrivateKey()))
                ? null : PayCrypto.privateKey(pay.platformPrivateKey());
    }

    Signature sign(String body, boolean forged, boolean stale) {
        if (platformKey == null) {
            throw new IllegalStateException("no WeChat Pay platform private key: set wxai.sandbox.pay.platform-private-key");
        }
        String timestamp = String.valueOf(System.currentTimeMillis() / 1000 - (stale ? 600 : 0));
        String nonce = HexFormat.of().withUpperCase().formatHex(random.generateSeed(16));
        String signature = PayCrypto.sign(forged ? forgerKey : platformKey, "", PayCrypto.message(timestamp, nonce, body));
        return new Signature(pay.publicKeyId(), timestamp, nonce, signature);
    }

    private static PrivateKey newForgerKey() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair().getPrivate();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The four headers WeChat Pay puts on everything it signs. */
    record Signature(String serial, String timestamp, String nonce, String value) {

        void writeTo(HttpHeaders headers) {
            headers.set("Wechatpay-Serial", serial);
            headers.set("Wechatpay-Timestamp", timestamp);
            headers.set("Wechatpay-Nonce", nonce);
            headers.set("Wechatpay-Signature", value);
            headers.set("Wechatpay-Signature-Type", "WECHATPAY2-SHA256-RSA2048");
        }
    }
}
