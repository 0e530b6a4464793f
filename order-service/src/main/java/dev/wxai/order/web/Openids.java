package dev.wxai.order.web;

import java.util.regex.Pattern;

/** What an openid looks like; WeChat sign-in accepts no other (a session never holds a malformed one). */
public final class Openids {

    /** openids are 28 characters today; accept the documented alphabet with room to grow. */
    private static final Pattern OPENID = Pattern.compile("[A-Za-z0-9_-]{16,64}");

    private Openids() {
    }

    public static boolean isValid(String openid) {
        return openid != null && OPENID.matcher(openid).matches();
    }
}
