package dev.wxai.sandbox.pay;

import dev.wxai.common.pay.PayCrypto;
import dev.wxai.sandbox.SandboxProperties;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sends notifications the way WeChat Pay does: the resource sealed with AES-256-GCM under the APIv3 key, the body
 * signed with the platform private key ({@code timestamp\nnonce\nbody\n}), the key's id in Wechatpay-Serial.
 * Can also send them forged (signed by another key), stale, or many copies at once.
 */
@Component
class PayNotifier {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final SandboxProperties.Pay pay;
    private final WebClient http;
    private final SecureRandom random = new SecureRandom();
    private final PrivateKey platformKey;
    /** A key that is not WeChat Pay's, made once at start-up (RSA key generation must not run on an event loop). */
    private final PrivateKey forgerKey = newForgerKey();

    PayNotifier(SandboxProperties properties, WebClient.Builder builder) {
        this.pay = properties.pay();
        this.http = builder.build();
        // Read once at start-up, not on an event-loop thread later; absent keys only disable WeChat Pay.
        this.platformKey = pay == null || !java.nio.file.Files.isReadable(java.nio.file.Path.of(pay.platformPrivateKey()))
                ? null : PayCrypto.privateKey(pay.platformPrivateKey());
    }

    /** Sends {@code copies} copies at once; the statuses our service answered, in order of sending. */
    Mono<List<Integer>> send(String notifyUrl, String eventType, String originalType, Map<String, Object> resource,
                             Options options) {
        String body = envelope(eventType, originalType, resource);
        return Flux.range(0, Math.max(1, options.copies()))
                .flatMapSequential(copy -> post(notifyUrl, body, options), Math.max(1, options.copies()))
                .collectList();
    }

    private Mono<Integer> post(String notifyUrl, String body, Options options) {
        return deliver(prepare(notifyUrl, body, options));
    }

    /** A notification ready to send: sealed and signed, so that a load test times only its delivery. */
    Prepared prepare(String notifyUrl, String eventType, String originalType, Map<String, Object> resource) {
        return prepare(notifyUrl, envelope(eventType, originalType, resource), new Options(1, false, false));
    }

    private Prepared prepare(String notifyUrl, String body, Options options) {
        long timestamp = System.currentTimeMillis() / 1000 - (options.stale() ? 600 : 0);
        String nonce = HexFormat.of().formatHex(random.generateSeed(16));
        String signature = PayCrypto.sign(options.forged() ? forgerKey : platformKey(), "",
                PayCrypto.message(String.valueOf(timestamp), nonce, body));
        return new Prepared(notifyUrl, body, String.valueOf(timestamp), nonce, signature);
    }

    Mono<Integer> deliver(Prepared notification) {
        return http.post().uri(notification.url())
                .contentType(MediaType.APPLICATION_JSON)
                .header("Wechatpay-Timestamp", notification.timestamp())
                .header("Wechatpay-Nonce", notification.nonce())
                .header("Wechatpay-Serial", pay.publicKeyId())
                .header("Wechatpay-Signature", notification.signature())
                .header("Wechatpay-Signature-Type", "WECHATPAY2-SHA256-RSA2048")
                .bodyValue(notification.body())
                .exchangeToMono(response -> response.releaseBody().thenReturn(response.statusCode().value()))
                .onErrorReturn(-1);
    }

    record Prepared(String url, String body, String timestamp, String nonce, String signature) {
    }

    private String envelope(String eventType, String originalType, Map<String, Object> resource) {
        String nonce = HexFormat.of().formatHex(random.generateSeed(6));
        String associatedData = originalType;
        String ciphertext = PayCrypto.encrypt(pay.apiV3Key(), associatedData, nonce, JSON.writeValueAsString(resource));
        Map<String, Object> sealed = new LinkedHashMap<>();
        sealed.put("original_type", originalType);
        sealed.put("algorithm", "AEAD_AES_256_GCM");
        sealed.put("ciphertext", ciphertext);
        sealed.put("associated_data", associatedData);
        sealed.put("nonce", nonce);
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("id", "EV-" + UUID.randomUUID());
        envelope.put("create_time", OffsetDateTime.now(ZoneOffset.ofHours(8)).withNano(0).toString());
        envelope.put("resource_type", "encrypt-resource");
        envelope.put("event_type", eventType);
        envelope.put("summary", eventType.startsWith("REFUND") ? "退款成功" : "支付成功");
        envelope.put("resource", sealed);
        return JSON.writeValueAsString(envelope);
    }

    private PrivateKey platformKey() {
        if (platformKey == null) {
            throw new IllegalStateException("no WeChat Pay platform private key: set wxai.sandbox.pay.platform-private-key");
        }
        return platformKey;
    }

    private static PrivateKey newForgerKey() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair().getPrivate();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * @param copies how many identical notifications to send at once
     * @param forged signed by a key that is not WeChat Pay's
     * @param stale  dated ten minutes ago
     */
    record Options(int copies, boolean forged, boolean stale) {
    }
}
