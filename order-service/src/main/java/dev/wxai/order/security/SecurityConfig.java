package dev.wxai.order.security;

import dev.wxai.order.config.WebProperties;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.DelegatingServerAuthenticationEntryPoint;
import org.springframework.security.web.server.DelegatingServerAuthenticationEntryPoint.DelegateEntry;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.authentication.AuthenticationWebFilter;
import org.springframework.security.web.server.authentication.ServerAuthenticationEntryPointFailureHandler;
import org.springframework.security.web.server.context.ServerSecurityContextRepository;
import org.springframework.security.web.server.context.WebSessionServerSecurityContextRepository;
import org.springframework.security.web.server.csrf.CookieServerCsrfTokenRepository;
import org.springframework.security.web.server.csrf.CsrfWebFilter;
import org.springframework.security.web.server.csrf.ServerCsrfTokenRequestAttributeHandler;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import org.springframework.security.web.server.util.matcher.AndServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.NegatedServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import org.springframework.web.server.session.CookieWebSessionIdResolver;
import org.springframework.web.server.session.WebSessionIdResolver;

/**
 * Who may do what (ARCHITECTURE.md, "HTTP API"): anyone may read the catalogue and the public figures and start
 * sign-in; WeChat Pay proves its notifications by signature; a user acts only as the openid their session holds;
 * an operator is whoever presents a token whose hash is configured. Everything not listed is refused.
 *
 * <p>Sessions live in Redis (Spring Session) under an HttpOnly, SameSite=Lax cookie, {@code Secure} behind https.
 * Anonymous requests never create one (no saved requests, no session for CSRF): an unsigned caller costs no Redis
 * key. State-changing user calls carry the CSRF cookie's value in {@code X-XSRF-TOKEN}.
 */
@Configuration
class SecurityConfig {

    static final String SESSION_COOKIE = "WXAI_SESSION";

    @Bean
    SecurityWebFilterChain securityWebFilterChain(ServerHttpSecurity http, OperatorTokens operatorTokens, WebProperties web,
                                                  ServerSecurityContextRepository sessionContexts) {
        return http
                .securityContextRepository(sessionContexts)
                .requestCache(cache -> cache.requestCache(NoOpServerRequestCache.getInstance()))
                .authorizeExchange(exchanges -> exchanges
                        .pathMatchers("/admin/**").hasRole(Roles.OPERATOR)
                        .pathMatchers(HttpMethod.GET, "/api/products", "/api/stats").permitAll()
                        .pathMatchers(HttpMethod.POST, "/pay/notify").permitAll()
                        .pathMatchers(HttpMethod.GET, "/auth/wechat", "/auth/wechat/callback").permitAll()
                        .pathMatchers(HttpMethod.POST, "/auth/logout").permitAll()
                        .pathMatchers("/api/**", "/shop", "/shop/**").hasRole(Roles.USER)
                        // The actuator's port is never routed by the gateway (README, "Who may do what").
                        .pathMatchers(HttpMethod.GET, "/actuator/health", "/actuator/health/**", "/actuator/info",
                                "/actuator/prometheus").permitAll()
                        .anyExchange().denyAll())
                .addFilterAt(operatorTokenFilter(operatorTokens), SecurityWebFiltersOrder.AUTHENTICATION)
                .addFilterAfter(new CsrfCookieFilter(), SecurityWebFiltersOrder.CSRF)
                .exceptionHandling(errors -> errors
                        .authenticationEntryPoint(entryPoints())
                        .accessDeniedHandler(SecurityErrors.forbidden()))
                .csrf(csrf -> csrf
                        .csrfTokenRepository(csrfCookies(web))
                        // The plain handler: the page sends the cookie's value back as it is (no per-response masking,
                        // which protects tokens rendered into HTML, and ours never are).
                        .csrfTokenRequestHandler(new ServerCsrfTokenRequestAttributeHandler())
                        .requireCsrfProtectionMatcher(csrfProtected())
                        .accessDeniedHandler(SecurityErrors.csrfRefused()))
                .headers(headers -> headers.contentSecurityPolicy(csp -> csp.policyDirectives(contentSecurityPolicy(web))))
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .build();
    }

    /** Where a signed-in user's identity lives: the WebSession (in Redis); sign-in writes it, every request reads it. */
    @Bean
    ServerSecurityContextRepository sessionContexts() {
        return new WebSessionServerSecurityContextRepository();
    }

    /** The session cookie: HttpOnly, SameSite=Lax (WeChat's redirect back is a top-level GET), Secure behind https. */
    @Bean
    WebSessionIdResolver webSessionIdResolver(WebProperties web) {
        CookieWebSessionIdResolver resolver = new CookieWebSessionIdResolver();
        resolver.setCookieName(SESSION_COOKIE);
        resolver.setCookieMaxAge(web.sessionTimeout());
        resolver.addCookieInitializer(cookie -> cookie.httpOnly(true).sameSite("Lax").secure(web.secure()).path("/"));
        return resolver;
    }

    /** Operators: a bearer token on {@code /admin/**}, checked on every request, never stored in a session. */
    private static AuthenticationWebFilter operatorTokenFilter(OperatorTokens operatorTokens) {
        AuthenticationWebFilter filter = new AuthenticationWebFilter(operatorTokens);
        filter.setServerAuthenticationConverter(new BearerTokenConverter());
        filter.setRequiresAuthenticationMatcher(ServerWebExchangeMatchers.pathMatchers("/admin/**"));
        filter.setAuthenticationFailureHandler(new ServerAuthenticationEntryPointFailureHandler(SecurityErrors.operatorTokenRequired()));
        return filter;
    }

    private static DelegatingServerAuthenticationEntryPoint entryPoints() {
        DelegatingServerAuthenticationEntryPoint delegating = new DelegatingServerAuthenticationEntryPoint(
                new DelegateEntry(ServerWebExchangeMatchers.pathMatchers("/admin/**"), SecurityErrors.operatorTokenRequired()),
                new DelegateEntry(ServerWebExchangeMatchers.pathMatchers("/shop", "/shop/**"), SecurityErrors.redirectToSignIn()));
        delegating.setDefaultEntryPoint(SecurityErrors.signInRequired());
        return delegating;
    }

    /**
     * Cookie-borne sessions make state-changing calls forgeable from other pages: a request that carries the session
     * cookie needs the CSRF header. Without the cookie there is no session to abuse, and such a request is simply
     * anonymous (401 where a user is needed). WeChat Pay's notifications and the operators' bearer calls need none.
     */
    private static ServerWebExchangeMatcher csrfProtected() {
        ServerWebExchangeMatcher withSession = exchange -> exchange.getRequest().getCookies().containsKey(SESSION_COOKIE)
                ? ServerWebExchangeMatcher.MatchResult.match() : ServerWebExchangeMatcher.MatchResult.notMatch();
        return new AndServerWebExchangeMatcher(CsrfWebFilter.DEFAULT_CSRF_MATCHER, withSession,
                new NegatedServerWebExchangeMatcher(ServerWebExchangeMatchers.pathMatchers("/pay/notify", "/admin/**")));
    }

    private static CookieServerCsrfTokenRepository csrfCookies(WebProperties web) {
        CookieServerCsrfTokenRepository cookies = CookieServerCsrfTokenRepository.withHttpOnlyFalse();
        cookies.setCookieCustomizer(cookie -> cookie.sameSite("Lax").secure(web.secure()).path("/"));
        return cookies;
    }

    /**
     * The member page runs only our own scripts, plus the sandbox's stand-in bridge where one is configured
     * (locally); no inline script, no framing.
     */
    static String contentSecurityPolicy(WebProperties web) {
        String bridge = web.devBridgeOrigin().isEmpty() ? "" : " " + web.devBridgeOrigin();
        return String.join("; ", List.of(
                "default-src 'self'",
                "script-src 'self'" + bridge,
                "connect-src 'self'" + bridge,
                "img-src 'self' data:",
                "style-src 'self'",
                "base-uri 'none'",
                "form-action 'self'",
                "frame-ancestors 'none'"));
    }
}
