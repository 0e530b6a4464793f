package dev.wxai.gateway.ratelimit;

import dev.wxai.gateway.config.GatewayProperties;
import java.net.InetSocketAddress;
import java.util.List;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;

/**
 * The address of the client behind the request. {@code X-Forwarded-For} is believed only when the direct peer is a
 * configured trusted proxy, and then its rightmost address that is not itself a trusted proxy is the client:
 * entries to the left of it were written by the client and prove nothing.
 */
@Component
class ClientAddress {

    private final List<String> trustedProxies;

    ClientAddress(GatewayProperties properties) {
        this.trustedProxies = properties.trustedProxies();
    }

    String of(ServerHttpRequest request) {
        InetSocketAddress remote = request.getRemoteAddress();
        String peer = remote == null || remote.getAddress() == null ? "unknown" : remote.getAddress().getHostAddress();
        if (!trustedProxies.contains(peer)) {
            return peer;
        }
        List<String> forwarded = request.getHeaders().getOrEmpty("X-Forwarded-For").stream()
                .flatMap(header -> java.util.Arrays.stream(header.split(",")))
                .map(String::strip)
                .filter(address -> !address.isEmpty())
                .toList();
        for (int i = forwarded.size() - 1; i >= 0; i--) {
            if (!trustedProxies.contains(forwarded.get(i))) {
                return forwarded.get(i);
            }
        }
        return peer;
    }
}
