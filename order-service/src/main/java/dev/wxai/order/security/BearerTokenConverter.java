package dev.wxai.order.security;

import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.server.authentication.ServerAuthenticationConverter;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * {@code Authorization: Bearer <token>} → an unauthenticated token for {@link OperatorTokens}. No header: empty, so
 * the request goes on as whoever else it is (anonymous, or a signed-in user, who is then refused with 403).
 * A header that is not a sane bearer token is refused outright.
 */
class BearerTokenConverter implements ServerAuthenticationConverter {

    private static final String PREFIX = "Bearer ";
    private static final int MAX_TOKEN_LENGTH = 256;

    @Override
    public Mono<Authentication> convert(ServerWebExchange exchange) {
        String header = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        if (header == null) {
            return Mono.empty();
        }
        if (!header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            return Mono.error(new BadCredentialsException("not a bearer token"));
        }
        String token = header.substring(PREFIX.length()).strip();
        if (token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
            return Mono.error(new BadCredentialsException("not a bearer token"));
        }
        return Mono.just(UsernamePasswordAuthenticationToken.unauthenticated("operator", token));
    }
}
