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
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;

/**
 * Whether WeChat Pay really said something: a notification it sent us or an answer to our request. Both carry
 * {@code Wechatpay-Serial}, {@code -Timestamp}, {@code -Nonce} and {@code -Signature}, a SHA256withRSA signature over
 * {@code timestamp\nnonce\nbody\n} by the key the serial names (the WeChat Pay public key, or a configured platform
 * certificate as the fallback). A message older than {@code WXAI_ORDER_NOTIFYMAXAGE} is refused as a replay, as the
 * official SDK does for responses.
 * https://pay.weixin.qq.com/docs/merchant/development/interface-rules/signature-verification.html
 */
@Component
class WechatPaySignatures {

    /** WeChat Pay's probe: it sends deliberately wrong signatures starting so, to see that merchants verify. */
    private static final String PROBE_PREFIX = "WECHATPAY/SIGNTEST/";

    /** Verification keys by the id WeChat Pay names in Wechatpay-Serial: the public key, then platform certificates. */
    private final Map<String, PublicKey> keys = new HashMap<>();
    private final OrderProperties orders;
    private final Clock clock;

    WechatPaySignatures(PayProperties pay, OrderProperties orders, Clock clock) {
        this.orders = orders;
        this.clock = clock;
        keys.put(pay.publicKeyId(), PayCrypto.publicKey(pay.publicKey()));
        for (String path : pay.platformCertificates()) {
            X509Certificate certificate = PemUtil.loadX509FromPath(path);
            keys.put(PemUtil.getSerialNumber(certificate), certificate.getPublicKey());
        }
    }

    /** Why the message cannot be believed; empty when WeChat Pay signed exactly this body recently. */
    Optional<String> problem(HttpHeaders headers, String body) {
        String serial = headers.getFirst("Wechatpay-Serial");
        String timestamp = headers.getFirst("Wechatpay-Timestamp");
        String nonce = headers.getFirst("Wechatpay-Nonce");
        String signature = headers.getFirst("Wechatpay-Signature");
        for (String[] header : new String[][] {{"Wechatpay-Serial", serial}, {"Wechatpay-Timestamp", timestamp},
                {"Wechatpay-Nonce", nonce}, {"Wechatpay-Signature", signature}}) {
            if (header[1] == null || header[1].isBlank()) {
                return Optional.of(header[0] + " is missing");
            }
        }
        PublicKey key = keys.get(serial);
        if (key == null) {
            return Optional.of("unknown Wechatpay-Serial " + serial);
        }
        long age;
        try {
            age = Math.abs(clock.millis() / 1000 - Long.parseLong(timestamp));
        } catch (NumberFormatException e) {
            return Optional.of("Wechatpay-Timestamp is not a number");
        }
        if (age > orders.notifyMaxAge().toSeconds()) {
            return Optional.of("Wechatpay-Timestamp is " + age + " s away from now");
        }
        if (signature.startsWith(PROBE_PREFIX)
                || !PayCrypto.verify(key, serial, serial, PayCrypto.message(timestamp, nonce, body == null ? "" : body), signature)) {
            return Optional.of("signature verification failed");
        }
        return Optional.empty();
    }
}
