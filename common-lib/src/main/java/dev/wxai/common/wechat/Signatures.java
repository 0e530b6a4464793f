package dev.wxai.common.wechat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * WeChat's request signatures: SHA-1 over the lexicographically sorted parameters joined without separator,
 * in lowercase hex. The URL check and plaintext messages sign {@code token, timestamp, nonce}; safe-mode
 * messages add the {@code Encrypt} value to get {@code msg_signature}.
 */
public final class Signatures {

    private Signatures() {
    }

    public static String sign(String... parts) {
        String[] sorted = parts.clone();
        Arrays.sort(sorted);
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            return HexFormat.of().formatHex(sha1.digest(String.join("", sorted).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required of every JVM", e);
        }
    }

    /** Compares in constant time so that a caller cannot learn the expected signature byte by byte. */
    public static boolean matches(String expected, String... parts) {
        if (expected == null) {
            return false;
        }
        for (String part : parts) {
            if (part == null) {
                return false;
            }
        }
        return MessageDigest.isEqual(
                sign(parts).getBytes(StandardCharsets.US_ASCII),
                expected.toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
    }
}
