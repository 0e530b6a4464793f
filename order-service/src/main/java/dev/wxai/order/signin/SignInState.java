package dev.wxai.order.signin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import org.springframework.http.HttpCookie;
import org.springframework.http.ResponseCookie;
import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * The OAuth {@code state}, bound to the browser that started sign-in: a random value sent to WeChat and also kept in
 * an HttpOnly cookie on our origin, with the page to return to. The callback accepts only a state equal to its own
 * browser's cookie, so a code obtained in someone else's browser (login CSRF) cannot be planted. Nothing is stored
 * server-side before sign-in: starting it costs no Redis key.
 */
final class SignInState {

    static final String COOKIE = "WXAI_SIGNIN";
    /** Long enough to pass WeChat's authorize page, short enough that a stale tab does not keep a usable state. */
    static final Duration LIFETIME = Duration.ofMinutes(10);

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder URL_DECODER = Base64.getUrlDecoder();

    private SignInState() {
    }

    /** WeChat allows {@code state} of up to 128 characters of {@code [a-zA-Z0-9]}. */
    static String newState() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    static ResponseCookie cookie(String state, String next, boolean secure) {
        String value = state + "." + URL.encodeToString(next.getBytes(StandardCharsets.UTF_8));
        return base(value, secure).maxAge(LIFETIME).build();
    }

    static ResponseCookie cleared(boolean secure) {
        return base("", secure).maxAge(Duration.ZERO).build();
    }

    /** The page to return to, when the request's state is the one this browser was given; empty otherwise. */
    static Optional<String> verify(ServerHttpRequest request, String state) {
        HttpCookie cookie = request.getCookies().getFirst(COOKIE);
        if (cookie == null || state == null) {
            return Optional.empty();
        }
        String[] parts = cookie.getValue().split("\\.", 2);
        if (parts.length != 2 || !MessageDigest.isEqual(parts[0].getBytes(StandardCharsets.UTF_8), state.getBytes(StandardCharsets.UTF_8))) {
            return Optional.empty();
        }
        try {
            return Optional.of(SafeNext.of(new String(URL_DECODER.decode(parts[1]), StandardCharsets.UTF_8)));
        } catch (IllegalArgumentException malformed) {
            return Optional.empty();
        }
    }

    private static ResponseCookie.ResponseCookieBuilder base(String value, boolean secure) {
        return ResponseCookie.from(COOKIE, value).httpOnly(true).sameSite("Lax").secure(secure).path("/auth/wechat");
    }
}
