package dev.wxai.order.pay;

import com.wechat.pay.java.core.util.PemUtil;
import dev.wxai.common.pay.PayCrypto;
import dev.wxai.order.config.OrderProperties;
import dev.wxai.order.config.PayProperties;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Proves a notification came from WeChat Pay before anything is believed: the key named by {@code Wechatpay-Serial}
 * must be ours (the WeChat Pay public key, or a configured platform certificate as the fallback), {@code Wechatpay-Timestamp} recent, the SHA256withRSA signature over
 * {@code timestamp\nnonce\nbody\n} valid, and the AES-256-GCM resource must open with the APIv3 key.
 * https://pay.weixin.qq.com/docs/merchant/development/interface-rules/signature-verification.html
 */
@Component
class NotificationVerifier {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final PayProperties pay;
    private final OrderProperties orders;
    /** Verification keys by the id WeChat Pay names in Wechatpay-Serial: the public key, then platform certificates. */
    private final Map<String, PublicKey> keys = new HashMap<>();
    private final Clock clock;

    NotificationVerifier(PayProperties pay, OrderProperties orders, Clock clock) {
        this.pay = pay;
        this.orders = orders;
        this.clock = clock;
        keys.put(pay.publicKeyId(), PayCrypto.publicKey(pay.publicKey()));
        for (String path : pay.platformCertificates()) {
            X509Certificate certificate = PemUtil.loadX509FromPath(path);
            keys.put(PemUtil.getSerialNumber(certificate), certificate.getPublicKey());
        }
    }

    Notification open(HttpHeaders headers, String body) {
        String serial = require(headers, "Wechatpay-Serial");
        String timestamp = require(headers, "Wechatpay-Timestamp");
        String nonce = require(headers, "Wechatpay-Nonce");
        String signature = require(headers, "Wechatpay-Signature");
        PublicKey key = keys.get(serial);
        if (key == null) {
            throw new RejectedNotification(HttpStatus.UNAUTHORIZED, "unknown Wechatpay-Serial " + serial);
        }
        long age;
        try {
            age = Math.abs(clock.millis() / 1000 - Long.parseLong(timestamp));
        } catch (NumberFormatException e) {
            throw new RejectedNotification(HttpStatus.BAD_REQUEST, "Wechatpay-Timestamp is not a number");
        }
        if (age > orders.notifyMaxAge().toSeconds()) {
            throw new RejectedNotification(HttpStatus.UNAUTHORIZED, "notification timestamp is " + age + " s old");
        }
        if (!PayCrypto.verify(key, serial, serial, PayCrypto.message(timestamp, nonce, body), signature)) {
            throw new RejectedNotification(HttpStatus.UNAUTHORIZED, "signature verification failed");
        }
        JsonNode envelope = parse(body);
        JsonNode resource = envelope.path("resource");
        if (!"AEAD_AES_256_GCM".equals(resource.path("algorithm").asString())) {
            throw new RejectedNotification(HttpStatus.BAD_REQUEST, "unsupported resource algorithm");
        }
        String plaintext;
        try {
            plaintext = PayCrypto.decrypt(pay.apiV3Key(), resource.path("associated_data").asString(null),
                    resource.path("nonce").asString(), resource.path("ciphertext").asString());
        } catch (RuntimeException e) {
            throw new RejectedNotification(HttpStatus.BAD_REQUEST, "resource could not be decrypted");
        }
        return new Notification(envelope.path("id").asString(), envelope.path("event_type").asString(), parse(plaintext),
                plaintext);
    }

    private static String require(HttpHeaders headers, String name) {
        String value = headers.getFirst(name);
        if (value == null || value.isBlank()) {
            throw new RejectedNotification(HttpStatus.UNAUTHORIZED, name + " is missing");
        }
        return value;
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (JacksonException e) {
            throw new RejectedNotification(HttpStatus.BAD_REQUEST, "body is not JSON");
        }
    }

    /** A verified notification: its envelope id and type, and the decrypted resource. */
    record Notification(String id, String eventType, JsonNode resource, String resourceJson) {
    }
}
