package dev.wxai.gateway.ratelimit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * The rate-limit key of an {@code /admin} request: its bearer token, hashed (a Redis key never holds a credential),
 * or the client's address when it sends none. The gateway does not judge the token: the order-service does.
 */
final class OperatorKey {

    private static final String BEARER = "Bearer ";

    private OperatorKey() {
    }

    static String of(ServerHttpRequest request, ClientAddress clientAddress) {
        String header = request.getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return "admin-address:" + clientAddress.of(request);
        }
        return "admin:" + sha256(header.substring(BEARER.length()).strip()).substring(0, 32);
    }

    private static String sha256(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException(impossible);
        }
    }
}
