package dev.wxai.order.internal;

import static org.springframework.web.reactive.function.server.RequestPredicates.GET;
import static org.springframework.web.reactive.function.server.RouterFunctions.route;

import dev.wxai.order.config.InternalProperties;
import dev.wxai.order.entitlement.EntitlementLedger;
import dev.wxai.order.web.ApiError;
import dev.wxai.order.web.Openids;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * {@code GET /internal/entitlements/{openid}}: a user's entitlement as MySQL records it, with its revision, for the
 * workers' cache to fill a miss. Callers present {@code Authorization: Bearer <wxai.internal.token>}, compared in
 * constant time.
 */
@Component
class InternalRoutes {

    private final EntitlementLedger entitlements;
    private final byte[] token;

    InternalRoutes(EntitlementLedger entitlements, InternalProperties properties) {
        this.entitlements = entitlements;
        this.token = ("Bearer " + properties.token()).getBytes(StandardCharsets.UTF_8);
    }

    RouterFunction<ServerResponse> routes() {
        return route(GET("/internal/entitlements/{openid}"), this::entitlement);
    }

    private Mono<ServerResponse> entitlement(ServerRequest request) {
        String presented = request.headers().firstHeader(HttpHeaders.AUTHORIZATION);
        if (presented == null || !MessageDigest.isEqual(token, presented.getBytes(StandardCharsets.UTF_8))) {
            return error(HttpStatus.UNAUTHORIZED, "unauthorized", "a valid internal token is required");
        }
        String openid = request.pathVariable("openid");
        if (!Openids.isValid(openid)) {
            return error(HttpStatus.BAD_REQUEST, "invalid_openid", "openid must be 16–64 characters of [A-Za-z0-9_-]");
        }
        return entitlements.state(openid)
                .map(state -> new Entitlement(state.openid(),
                        state.membershipUntil() == null ? null : state.membershipUntil().toEpochMilli(), state.revision(), state.courses()))
                .flatMap(entitlement -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(entitlement));
    }

    /**
     * @param membershipUntil the membership's end in epoch milliseconds, past or future; null when there never was one
     * @param revision        higher is newer: a cache keeps the highest it has seen
     */
    record Entitlement(String openid, Long membershipUntil, long revision, java.util.List<String> courses) {
    }

    private static Mono<ServerResponse> error(HttpStatus status, String code, String message) {
        return ServerResponse.status(status).contentType(MediaType.APPLICATION_JSON).bodyValue(new ApiError(code, message));
    }
}
