package dev.wxai.order.signin;

import java.util.regex.Pattern;

/**
 * Where sign-in may send the browser afterwards: one of our own paths, nothing else. {@code https://elsewhere},
 * {@code //elsewhere} (scheme-relative), {@code /\elsewhere} (browsers read a backslash as a slash) and anything with
 * control characters would make the sign-in an open redirect for phishing, so they fall back to the member page.
 */
final class SafeNext {

    static final String DEFAULT = "/shop/";

    /** A path of ours: a single leading slash, then path and query characters only, no backslash, no fragment. */
    private static final Pattern OURS = Pattern.compile("/(?![/\\\\])[A-Za-z0-9\\-._~!$&'()*+,;=:@/%?]{0,255}");
    /** The paths a signed-in browser may be sent to: the member pages. */
    private static final Pattern ALLOWED_PREFIX = Pattern.compile("/shop(/.*)?|/shop\\?.*");

    private SafeNext() {
    }

    static String of(String next) {
        if (next == null || !OURS.matcher(next).matches() || !ALLOWED_PREFIX.matcher(next).matches()) {
            return DEFAULT;
        }
        return next;
    }
}
