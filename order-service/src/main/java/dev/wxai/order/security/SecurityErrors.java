package dev.wxai.order.security;

import dev.wxai.order.web.ApiError;
import java.net.URI;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.UriComponentsBuilder;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a refused caller gets, in the API's own error shape: 401 for no or a wrong identity, 403 for a known caller
 * who may not do this. The member page is the exception: a browser without a session is sent to sign in, and back.
 */
final class SecurityErrors {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private SecurityErrors() {
    }

    /** {@code /api/**}: sign in first. */
    static ServerAuthenticationEntryPoint signInRequired() {
        return (exchange, denied) -> write(exchange, HttpStatus.UNAUTHORIZED,
                new ApiError("unauthenticated", "sign in with WeChat first (GET /auth/wechat)"));
    }

    /** {@code /admin/**}: no token, or one that matches no operator. */
    static ServerAuthenticationEntryPoint operatorTokenRequired() {
        return (exchange, denied) -> {
            exchange.getResponse().getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"wxai-admin\"");
            return write(exchange, HttpStatus.UNAUTHORIZED, new ApiError("unauthenticated", "an operator token is required"));
        };
    }

    /** {@code /shop/**}: WeChat sign-in, then back to the page asked for. */
    static ServerAuthenticationEntryPoint redirectToSignIn() {
        return (exchange, denied) -> {
            var request = exchange.getRequest();
            String next = request.getURI().getRawPath() + (request.getURI().getRawQuery() == null ? "" : "?" + request.getURI().getRawQuery());
            URI signIn = UriComponentsBuilder.fromPath("/auth/wechat").queryParam("next", "{next}").encode()
                    .buildAndExpand(next).toUri();
            ServerHttpResponse response = exchange.getResponse();
            response.setStatusCode(HttpStatus.FOUND);
            response.getHeaders().setLocation(signIn);
            return response.setComplete();
        };
    }

    static ServerAccessDeniedHandler forbidden() {
        return (exchange, denied) -> write(exchange, HttpStatus.FORBIDDEN, new ApiError("forbidden", "not allowed for this caller"));
    }

    static ServerAccessDeniedHandler csrfRefused() {
        return (exchange, denied) -> write(exchange, HttpStatus.FORBIDDEN,
                new ApiError("csrf", "send the XSRF-TOKEN cookie's value as the X-XSRF-TOKEN header"));
    }

    static Mono<Void> write(ServerWebExchange exchange, HttpStatus status, ApiError error) {
        ServerHttpResponse response = exchange.getResponse();
        response.setStatusCode(status);
        response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        byte[] body = JSON.writeValueAsBytes(error);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
    }
}
