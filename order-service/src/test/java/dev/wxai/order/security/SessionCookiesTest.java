package dev.wxai.order.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wxai.order.config.WebProperties;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.http.ResponseCookie;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

class SessionCookiesTest {

    @Test
    void behindHttpsTheSessionCookieIsSecureHttpOnlyAndLax() {
        ResponseCookie cookie = sessionCookie(new WebProperties("https://wx.example.com", Duration.ofHours(8), ""));

        assertThat(cookie.getName()).isEqualTo("WXAI_SESSION");
        assertThat(cookie.isSecure()).isTrue();
        assertThat(cookie.isHttpOnly()).isTrue();
        assertThat(cookie.getSameSite()).isEqualTo("Lax");
        assertThat(cookie.getPath()).isEqualTo("/");
        assertThat(cookie.getMaxAge()).isEqualTo(Duration.ofHours(8));
    }

    @Test
    void onPlainHttpLocallyItCannotBeSecureOrTheBrowserWouldDropIt() {
        assertThat(sessionCookie(new WebProperties("http://127.0.0.1:8080", Duration.ofHours(8), "")).isSecure()).isFalse();
    }

    @Test
    void theMemberPageMayRunOnlyOurScriptsAndTheConfiguredStandInBridge() {
        String production = SecurityConfig.contentSecurityPolicy(new WebProperties("https://wx.example.com", Duration.ofHours(8), ""));
        String local = SecurityConfig.contentSecurityPolicy(new WebProperties("http://127.0.0.1:8080", Duration.ofHours(8),
                "http://127.0.0.1:8090/sandbox/weixin-jsbridge.js"));

        assertThat(production).contains("script-src 'self';", "frame-ancestors 'none'").doesNotContain("unsafe");
        assertThat(local).contains("script-src 'self' http://127.0.0.1:8090;", "connect-src 'self' http://127.0.0.1:8090;");
    }

    private static ResponseCookie sessionCookie(WebProperties web) {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/auth/wechat/callback"));
        new SecurityConfig().webSessionIdResolver(web).setSessionId(exchange, "session-id");
        return exchange.getResponse().getCookies().getFirst("WXAI_SESSION");
    }
}
