package dev.wxai.order.security;

import org.springframework.security.web.server.csrf.CsrfToken;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Spring Security loads the CSRF token lazily and writes its cookie only when something asks for the token. The
 * member page never renders it into HTML (it reads the {@code XSRF-TOKEN} cookie), so this asks on every
 * request that passes, and the cookie is there before the page's first POST.
 */
class CsrfCookieFilter implements WebFilter {

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        Mono<CsrfToken> token = exchange.getAttribute(CsrfToken.class.getName());
        return token == null ? chain.filter(exchange) : token.then(Mono.defer(() -> chain.filter(exchange)));
    }
}
