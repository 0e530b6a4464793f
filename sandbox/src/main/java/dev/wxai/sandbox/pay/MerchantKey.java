package dev.wxai.sandbox.pay;

import dev.wxai.common.pay.PayCrypto;
import dev.wxai.sandbox.SandboxProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import org.springframework.stereotype.Component;

/**
 * The merchant's public key, as WeChat Pay holds it: it checks the signatures of API requests and the {@code paySign}
 * a page hands the WeChat client, both SHA256withRSA by the merchant's private key.
 */
@Component
class MerchantKey {

    private final PublicKey key;

    MerchantKey(SandboxProperties properties) {
        SandboxProperties.Pay pay = properties.pay();
        // Read once at start-up, not on an event-loop thread later; an absent key only disables WeChat Pay.
        this.key = pay == null || pay.merchantPublicKey() == null || !Files.isReadable(Path.of(pay.merchantPublicKey()))
                ? null : PayCrypto.publicKey(pay.merchantPublicKey());
    }

    boolean present() {
        return key != null;
    }

    /** Whether {@code signature} (base64) is the merchant's over {@code message}. */
    boolean signed(String message, String signature) {
        // The SDK's verifier compares a key id with the one presented; the merchant's key has none, so both are equal.
        return key != null && signature != null && PayCrypto.verify(key, "merchant", "merchant", message, signature);
    }
}
