package dev.wxai.common.wechat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * WeChat's safe-mode message encryption (the WXBizMsgCrypt scheme).
 * https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Message_encryption_and_decryption_instructions.html
 *
 * <p>{@code aesKey = base64(EncodingAESKey + "=")} (32 bytes), AES-256-CBC with the first 16 key bytes as IV,
 * PKCS#7 padding to 32-byte blocks (not AES's 16), over {@code random(16) ‖ length(4, big-endian) ‖ xml ‖ appid}.
 * Decryption also tries the previous EncodingAESKey, so that messages WeChat encrypted just before a key
 * rotation still open.
 */
public final class MessageCrypto {

    private static final int BLOCK = 32;
    private static final int RANDOM_BYTES = 16;

    private final String appId;
    private final byte[] key;
    private final byte[] previousKey;
    private final SecureRandom random = new SecureRandom();

    /**
     * @param encodingAesKey         the 43-character EncodingAESKey of the account's server settings
     * @param previousEncodingAesKey the one it replaced, or null
     */
    public MessageCrypto(String appId, String encodingAesKey, String previousEncodingAesKey) {
        this.appId = appId;
        this.key = aesKey(encodingAesKey, "EncodingAESKey");
        this.previousKey = previousEncodingAesKey == null || previousEncodingAesKey.isBlank()
                ? null : aesKey(previousEncodingAesKey, "previous EncodingAESKey");
    }

    /** The XML inside an {@code Encrypt} value; refuses bad base64, bad padding, bad lengths and a foreign appid. */
    public String decrypt(String encrypted) {
        byte[] cipherText;
        try {
            cipherText = Base64.getDecoder().decode(encrypted.trim());
        } catch (IllegalArgumentException e) {
            throw new MessageCryptoException("Encrypt is not valid base64");
        }
        if (cipherText.length == 0 || cipherText.length % 16 != 0) {
            throw new MessageCryptoException("Encrypt has a length that AES cannot have produced");
        }
        try {
            return open(cipherText, key);
        } catch (MessageCryptoException current) {
            if (previousKey == null) {
                throw current;
            }
            return open(cipherText, previousKey);
        }
    }

    public String encrypt(String xml) {
        byte[] nonce = new byte[RANDOM_BYTES];
        random.nextBytes(nonce);
        return encrypt(xml, nonce);
    }

    /** With a given 16-byte random prefix: for the official test vectors. */
    String encrypt(String xml, byte[] randomPrefix) {
        byte[] body = xml.getBytes(StandardCharsets.UTF_8);
        byte[] app = appId.getBytes(StandardCharsets.UTF_8);
        int length = RANDOM_BYTES + 4 + body.length + app.length;
        int pad = BLOCK - (length % BLOCK);
        ByteBuffer plain = ByteBuffer.allocate(length + pad);
        plain.put(randomPrefix, 0, RANDOM_BYTES).putInt(body.length).put(body).put(app);
        for (int i = 0; i < pad; i++) {
            plain.put((byte) pad);
        }
        try {
            return Base64.getEncoder().encodeToString(cipher(Cipher.ENCRYPT_MODE, key).doFinal(plain.array()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-CBC is required of every JVM", e);
        }
    }

    private String open(byte[] cipherText, byte[] aesKey) {
        byte[] plain;
        try {
            plain = cipher(Cipher.DECRYPT_MODE, aesKey).doFinal(cipherText);
        } catch (GeneralSecurityException e) {
            throw new MessageCryptoException("Encrypt could not be decrypted");
        }
        int pad = plain[plain.length - 1] & 0xff;
        if (pad < 1 || pad > BLOCK || pad > plain.length) {
            throw new MessageCryptoException("Encrypt has invalid padding");
        }
        for (int i = plain.length - pad; i < plain.length; i++) {
            if ((plain[i] & 0xff) != pad) {
                throw new MessageCryptoException("Encrypt has invalid padding");
            }
        }
        int content = plain.length - pad;
        if (content < RANDOM_BYTES + 4) {
            throw new MessageCryptoException("Encrypt is too short");
        }
        int xmlLength = ByteBuffer.wrap(plain, RANDOM_BYTES, 4).getInt();
        int xmlStart = RANDOM_BYTES + 4;
        if (xmlLength < 0 || xmlLength > content - xmlStart) {
            throw new MessageCryptoException("Encrypt has an invalid length field");
        }
        byte[] foundAppId = Arrays.copyOfRange(plain, xmlStart + xmlLength, content);
        if (!MessageDigest.isEqual(foundAppId, appId.getBytes(StandardCharsets.UTF_8))) {
            throw new MessageCryptoException("the message is for another appid");
        }
        return new String(plain, xmlStart, xmlLength, StandardCharsets.UTF_8);
    }

    private static Cipher cipher(int mode, byte[] aesKey) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/CBC/NoPadding");
        cipher.init(mode, new SecretKeySpec(aesKey, "AES"), new IvParameterSpec(aesKey, 0, 16));
        return cipher;
    }

    private static byte[] aesKey(String encodingAesKey, String name) {
        if (encodingAesKey == null || encodingAesKey.length() != 43) {
            throw new IllegalArgumentException(name + " must be the 43 characters shown in the account's settings");
        }
        try {
            return Base64.getDecoder().decode(encodingAesKey + "=");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + " is not valid base64", e);
        }
    }
}
