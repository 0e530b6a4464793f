package dev.wxai.gateway.edge;

import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * What every answer of the gateway carries, whichever path served it (Spring Cloud Gateway's routes through
 * {@link EdgeHeadersFilter}, {@code /wechat} through its lean path): an {@code X-Request-Id} (the caller's own when it
 * is a sane token, a new one otherwise, so that a support case can be found in every service's log) and security
 * headers for browsers.
 */
public final class EdgeHeaders {

    public static final String REQUEST_ID = "X-Request-Id";
    private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._-]{8,64}");

    private EdgeHeaders() {
    }

    /** The request id to pass on: the caller's when sane, else a new one. */
    public static String requestId(ServerHttpRequest request) {
        String given = request.getHeaders().getFirst(REQUEST_ID);
        return given != null && SANE.matcher(given).matches() ? given : UUID.randomUUID().toString();
    }

    /** Sets the request id and the security headers on an answer. */
    public static void addTo(HttpHeaders response, String requestId) {
        response.set(REQUEST_ID, requestId);
        response.set("X-Content-Type-Options", "nosniff");
        response.set("X-Frame-Options", "DENY");
        response.set("Referrer-Policy", "no-referrer");
        response.set("Strict-Transport-Security", "max-age=31536000");
    }
}
