package dev.wxai.common.log;

/** Shapes of personal identifiers that may appear in logs. */
public final class Masking {

    private Masking() {
    }

    /**
     * Keeps the first four and last two characters of an openid: enough to tell users apart while reading one
     * incident's logs, not enough to message them.
     */
    public static String openid(String openid) {
        if (openid == null) {
            return "null";
        }
        if (openid.length() <= 8) {
            return "***";
        }
        return openid.substring(0, 4) + "***" + openid.substring(openid.length() - 2);
    }
}
