package dev.wxai.ingress.webhook;

import dev.wxai.common.wechat.InboundXml;
import dev.wxai.common.wechat.InboundXmlException;
import dev.wxai.common.wechat.MessageCrypto;
import dev.wxai.common.wechat.MessageCryptoException;
import dev.wxai.common.wechat.Signatures;
import dev.wxai.ingress.config.IngressProperties;
import dev.wxai.ingress.config.SafeMode;
import dev.wxai.ingress.config.WechatProperties;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;
import org.springframework.util.MultiValueMap;

/**
 * Turns a webhook request into a {@link Delivery}, or refuses it with a {@link RejectedDelivery}: the only
 * exception it lets out, whatever the bytes. Checks run cheapest first and before anything is stored.
 *
 * <ol>
 *   <li>{@code signature} over token, timestamp and nonce (WeChat sends it in every mode);</li>
 *   <li>{@code timestamp} within the allowed clock skew, so a captured request cannot be replayed later;</li>
 *   <li>the {@code openid} parameter: 1–64 of {@code [A-Za-z0-9_-]}, since it names Redis keys;</li>
 *   <li>plaintext refused when encryption is required;</li>
 *   <li>the XML, with DOCTYPEs and entities refused;</li>
 *   <li>in compatible and safe mode ({@code encrypt_type=aes}): {@code msg_signature} over the {@code Encrypt} value,
 *       then decryption, which also checks that the message is for our appid;</li>
 *   <li>the fields every message has, and the {@code openid} parameter against {@code FromUserName}.</li>
 * </ol>
 */
@Component
class DeliveryDecoder {

    private static final Pattern OPENID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private final WechatProperties wechat;
    private final Duration maxClockSkew;
    private final SafeMode safeMode;
    private final Clock clock;

    DeliveryDecoder(WechatProperties wechat, IngressProperties ingress, SafeMode safeMode, Clock clock) {
        this.wechat = wechat;
        this.maxClockSkew = ingress.maxClockSkew();
        this.safeMode = safeMode;
        this.clock = clock;
    }

    /** The URL check of the server settings page: only the signature and the timestamp matter. */
    void verifyUrlCheck(MultiValueMap<String, String> query) {
        verifySignature(query);
    }

    Delivery decode(MultiValueMap<String, String> query, String body) {
        verifySignature(query);
        String openid = query.getFirst("openid");
        if (openid == null || !OPENID.matcher(openid).matches()) {
            throw RejectedDelivery.badRequest("invalid_openid", "openid must be 1 to 64 of A-Z, a-z, 0-9, _ and -");
        }
        boolean encrypted = "aes".equalsIgnoreCase(query.getFirst("encrypt_type"));
        if (!encrypted && wechat.requireEncryption()) {
            throw RejectedDelivery.forbidden("encryption_required", "this account accepts encrypted deliveries only");
        }
        Map<String, String> outer = parse(body);
        Map<String, String> fields = encrypted ? decrypt(query, outer) : outer;
        WechatMessage message;
        try {
            message = WechatMessage.of(fields);
        } catch (InboundXmlException e) {
            throw RejectedDelivery.badRequest("malformed_message", e.getMessage());
        }
        if (!openid.equals(message.openid())) {
            throw RejectedDelivery.badRequest("openid_mismatch", "openid does not match FromUserName");
        }
        // Lowercase: the signature check ignores case, so "ABC…" and "abc…" are one signed query, not two.
        return new Delivery(message, encrypted, query.getFirst("signature").toLowerCase(Locale.ROOT), digest(body));
    }

    private static String digest(String body) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    private void verifySignature(MultiValueMap<String, String> query) {
        String timestamp = query.getFirst("timestamp");
        if (!Signatures.matches(query.getFirst("signature"), wechat.token(), timestamp, query.getFirst("nonce"))) {
            throw RejectedDelivery.forbidden("invalid_signature", "signature does not match the token");
        }
        long seconds;
        try {
            seconds = Long.parseLong(timestamp);
        } catch (NumberFormatException e) {
            throw RejectedDelivery.badRequest("invalid_timestamp", "timestamp is not a number");
        }
        long skew = Math.abs(clock.millis() / 1000 - seconds);
        if (skew > maxClockSkew.toSeconds()) {
            throw RejectedDelivery.forbidden("stale_timestamp",
                    "timestamp is " + skew + " s away from now; at most " + maxClockSkew.toSeconds() + " s are accepted");
        }
    }

    private Map<String, String> decrypt(MultiValueMap<String, String> query, Map<String, String> outer) {
        MessageCrypto crypto = safeMode.crypto().orElseThrow(() -> RejectedDelivery.badRequest("safe_mode_not_configured",
                "encrypted messages need WXAI_WECHAT_AESKEY, which this service does not have"));
        String encrypt = outer.get("Encrypt");
        if (encrypt == null || encrypt.isBlank()) {
            throw RejectedDelivery.badRequest("malformed_message", "encrypt_type=aes but the body has no Encrypt");
        }
        if (!Signatures.matches(query.getFirst("msg_signature"), wechat.token(), query.getFirst("timestamp"),
                query.getFirst("nonce"), encrypt)) {
            throw RejectedDelivery.forbidden("invalid_msg_signature", "msg_signature does not match the encrypted body");
        }
        try {
            return parse(crypto.decrypt(encrypt));
        } catch (MessageCryptoException e) {
            throw RejectedDelivery.badRequest("undecryptable", e.getMessage());
        }
    }

    private static Map<String, String> parse(String xml) {
        try {
            return InboundXml.parse(xml);
        } catch (InboundXmlException e) {
            throw RejectedDelivery.badRequest("malformed_message", e.getMessage());
        }
    }
}
