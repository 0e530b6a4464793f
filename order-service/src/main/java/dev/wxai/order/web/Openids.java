package dev.wxai.order.web;

import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;

/** The one openid check of the API: every endpoint that takes an openid refuses a malformed one alike. */
public final class Openids {

    /** openids are 28 characters today; accept the documented alphabet with room to grow. */
    private static final Pattern OPENID = Pattern.compile("[A-Za-z0-9_-]{16,64}");

    private Openids() {
    }

    public static boolean isValid(String openid) {
        return openid != null && OPENID.matcher(openid).matches();
    }

    /** 400 {@code invalid_openid}. */
    public static ApiException invalid() {
        return new ApiException(HttpStatus.BAD_REQUEST, "invalid_openid", "openid is not a WeChat openid");
    }
}
