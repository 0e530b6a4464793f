package dev.wxai.order.pay;

import dev.wxai.common.pay.PayCrypto;
import dev.wxai.order.config.PayProperties;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Proves a notification came from WeChat Pay before anything is believed: the signature headers must check out
 * ({@link WechatPaySignatures}: known key, recent timestamp, valid signature) and the AES-256-GCM resource must open
 * with the APIv3 key.
 */
@Component
public class NotificationVerifier {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final PayProperties pay;
    private final WechatPaySignatures signatures;

    NotificationVerifier(PayProperties pay, WechatPaySignatures signatures) {
        this.pay = pay;
        this.signatures = signatures;
    }

    public Notification open(HttpHeaders headers, String body) {
        signatures.problem(headers, body).ifPresent(problem -> {
            throw new RejectedNotification(HttpStatus.UNAUTHORIZED, problem);
        });
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

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (JacksonException e) {
            throw new RejectedNotification(HttpStatus.BAD_REQUEST, "body is not JSON");
        }
    }

    /** A verified notification: its envelope id and type, and the decrypted resource. */
    public record Notification(String id, String eventType, JsonNode resource, String resourceJson) {
    }
}
