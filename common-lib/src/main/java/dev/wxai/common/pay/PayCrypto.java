package dev.wxai.common.pay;

import com.wechat.pay.java.core.cipher.AeadAesCipher;
import com.wechat.pay.java.core.cipher.RSASigner;
import com.wechat.pay.java.core.cipher.RSAVerifier;
import com.wechat.pay.java.core.util.PemUtil;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Base64;

/**
 * WeChat Pay API v3 cryptography, done by the official SDK (wechatpay-java-core): SHA256withRSA signatures over
 * the v3 message format, and AEAD_AES_256_GCM for notification resources.
 * https://pay.weixin.qq.com/docs/merchant/development/interface-rules/signature-generation.html
 */
public final class PayCrypto {

    private PayCrypto() {
    }

    public static PrivateKey privateKey(String pemPath) {
        return PemUtil.loadPrivateKeyFromPath(readable(pemPath));
    }

    public static PublicKey publicKey(String pemPath) {
        return PemUtil.loadPublicKeyFromPath(readable(pemPath));
    }

    /** Start-up fails with the path it could not read, not with the SDK's bare I/O error. */
    private static String readable(String pemPath) {
        if (!java.nio.file.Files.isReadable(java.nio.file.Path.of(pemPath))) {
            throw new IllegalStateException("the key file " + java.nio.file.Path.of(pemPath).toAbsolutePath()
                    + " does not exist or cannot be read");
        }
        return pemPath;
    }

    /** The v3 message: every part followed by a newline. */
    public static String message(String... parts) {
        StringBuilder message = new StringBuilder();
        for (String part : parts) {
            message.append(part).append('\n');
        }
        return message.toString();
    }

    /** Base64 SHA256withRSA signature. */
    public static String sign(PrivateKey key, String serial, String message) {
        return new RSASigner(serial, key).sign(message).getSign();
    }

    /** Whether {@code signature} is the holder of {@code key} (known by {@code keyId}) signing {@code message}. */
    public static boolean verify(PublicKey key, String keyId, String presentedKeyId, String message, String signature) {
        try {
            return new RSAVerifier(key, keyId).verify(presentedKeyId, message, signature);
        } catch (RuntimeException malformed) {
            return false;
        }
    }

    /**
     * Opens a notification resource: key = the APIv3 key, IV = nonce, AAD = associated_data; {@code ciphertext} is
     * base64 with the GCM tag at its end. Throws on any tampering (wrong key, AAD, nonce or bytes).
     */
    public static String decrypt(String apiV3Key, String associatedData, String nonce, String ciphertext) {
        return new AeadAesCipher(apiV3Key.getBytes(StandardCharsets.UTF_8))
                .decrypt(bytes(associatedData), nonce.getBytes(StandardCharsets.UTF_8), Base64.getDecoder().decode(ciphertext));
    }

    public static String encrypt(String apiV3Key, String associatedData, String nonce, String plaintext) {
        return new AeadAesCipher(apiV3Key.getBytes(StandardCharsets.UTF_8))
                .encrypt(bytes(associatedData), nonce.getBytes(StandardCharsets.UTF_8), plaintext.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] bytes(String value) {
        return value == null ? new byte[0] : value.getBytes(StandardCharsets.UTF_8);
    }
}
