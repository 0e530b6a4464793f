package dev.wxai.sandbox.pay;

import dev.wxai.common.pay.PayCrypto;
import dev.wxai.sandbox.SandboxProperties;
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
 * signed by the {@link PlatformSigner}.
 * Can also send them forged (signed by another key), stale, or many copies at once.
 */
@Component
class PayNotifier {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final SandboxProperties.Pay pay;
    private final WebClient http;
    private final SecureRandom random = new SecureRandom();
    private final PlatformSigner signer;

    PayNotifier(SandboxProperties properties, WebClient.Builder builder, PlatformSigner signer) {
        this.pay = properties.pay();
        this.http = builder.build();
        this.signer = signer;
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
        return prepare(notifyUrl, envelope(eventType, originalType, resource), new Options(1, false, false, null));
    }

    private Prepared prepare(String notifyUrl, String body, Options options) {
        return new Prepared(notifyUrl, body, signer.sign(body, options.forged(), options.stale()), options.traceparent());
    }

    Mono<Integer> deliver(Prepared notification) {
        return http.post().uri(notification.url())
                .contentType(MediaType.APPLICATION_JSON)
                .headers(notification.signature()::writeTo)
                .headers(headers -> {
                    if (notification.traceparent() != null) {
                        headers.set("traceparent", notification.traceparent());
                    }
                })
                .bodyValue(notification.body())
                .exchangeToMono(response -> response.releaseBody().thenReturn(response.statusCode().value()))
                .onErrorReturn(-1);
    }

    /** @param traceparent a W3C trace to send along (WeChat Pay sends none; tests use it to follow a payment) */
    record Prepared(String url, String body, PlatformSigner.Signature signature, String traceparent) {
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

    /**
     * @param copies how many identical notifications to send at once
     * @param forged signed by a key that is not WeChat Pay's
     * @param stale  dated ten minutes ago
     * @param traceparent a W3C trace to send the notification under, or null
     */
    record Options(int copies, boolean forged, boolean stale, String traceparent) {
    }
}
