package dev.wxai.common.wechat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits text into pieces of at most a number of UTF-8 bytes, never inside a character (WeChat counts message
 * length in bytes, and a cut through a multi-byte character shows as garbage).
 */
public final class Utf8Chunks {

    private Utf8Chunks() {
    }

    /** The longest prefix of {@code text} that fits in {@code maxBytes} UTF-8 bytes, whole code points only. */
    public static String head(String text, int maxBytes) {
        if (maxBytes < 4) {
            throw new IllegalArgumentException("a chunk must hold at least one character (4 bytes)");
        }
        int bytes = 0;
        int end = 0;
        while (end < text.length()) {
            int codePoint = text.codePointAt(end);
            int size = utf8Length(codePoint);
            if (bytes + size > maxBytes) {
                break;
            }
            bytes += size;
            end += Character.charCount(codePoint);
        }
        return text.substring(0, end);
    }

    public static List<String> split(String text, int maxBytes) {
        List<String> chunks = new ArrayList<>();
        String rest = text;
        while (!rest.isEmpty()) {
            String chunk = head(rest, maxBytes);
            chunks.add(chunk);
            rest = rest.substring(chunk.length());
        }
        return chunks;
    }

    public static int byteLength(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    private static int utf8Length(int codePoint) {
        if (codePoint < 0x80) {
            return 1;
        }
        if (codePoint < 0x800) {
            return 2;
        }
        return codePoint < 0x10000 ? 3 : 4;
    }
}
