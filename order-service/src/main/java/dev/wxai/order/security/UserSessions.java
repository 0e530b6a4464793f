package dev.wxai.order.security;

import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.context.SecurityContextImpl;
import org.springframework.security.web.server.context.ServerSecurityContextRepository;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebSession;
import reactor.core.publisher.Mono;

/** Begins and ends a signed-in user's session, where Spring Security reads it on every later request. */
@Component
public class UserSessions {

    private final ServerSecurityContextRepository contexts;

    UserSessions(ServerSecurityContextRepository contexts) {
        this.contexts = contexts;
    }

    /**
     * A new session id first: an id planted before sign-in (session fixation) must not become the user's session.
     */
    public Mono<Void> signIn(ServerWebExchange exchange, String openid) {
        var authentication = UsernamePasswordAuthenticationToken.authenticated(new WechatUser(openid), null, Roles.USER_AUTHORITIES);
        return exchange.getSession()
                .flatMap(WebSession::changeSessionId)
                .then(contexts.save(exchange, new SecurityContextImpl(authentication)));
    }

    public Mono<Void> signOut(ServerWebExchange exchange) {
        return exchange.getSession().flatMap(WebSession::invalidate);
    }
}
