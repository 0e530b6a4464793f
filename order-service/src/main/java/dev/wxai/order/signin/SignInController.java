package dev.wxai.order.signin;

import dev.wxai.common.log.Masking;
import dev.wxai.order.config.WebProperties;
import dev.wxai.order.config.WechatProperties;
import dev.wxai.order.security.UserSessions;
import dev.wxai.order.web.Openids;
import java.net.URI;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.UriComponentsBuilder;
import reactor.core.publisher.Mono;

/**
 * WeChat web sign-in with {@code snsapi_base}: silent inside WeChat, it yields the user's openid and nothing else.
 * {@code GET /auth/wechat?next=} sends the browser to WeChat's authorize page; WeChat sends it back to
 * {@code /auth/wechat/callback?code=&state=}, where the state is checked against this browser's cookie, the code is
 * exchanged once, and a session in Redis begins.
 * https://developers.weixin.qq.com/doc/offiaccount/OA_Web_Apps/Wechat_webpage_authorization.html
 */
@RestController
class SignInController {

    private static final Logger log = LoggerFactory.getLogger(SignInController.class);
    private static final Pattern CODE = Pattern.compile("[A-Za-z0-9_-]{1,128}");

    private final WechatProperties wechat;
    private final WebProperties web;
    private final CodeExchange codeExchange;
    private final UserSessions sessions;

    SignInController(WechatProperties wechat, WebProperties web, CodeExchange codeExchange, UserSessions sessions) {
        this.wechat = wechat;
        this.web = web;
        this.codeExchange = codeExchange;
        this.sessions = sessions;
    }

    @GetMapping("/auth/wechat")
    ResponseEntity<Void> start(@RequestParam(required = false) String next) {
        String state = SignInState.newState();
        return ResponseEntity.status(HttpStatus.FOUND)
                .header(HttpHeaders.SET_COOKIE, SignInState.cookie(state, SafeNext.of(next), web.secure()).toString())
                .location(authorizeUrl(state))
                .build();
    }

    @GetMapping("/auth/wechat/callback")
    Mono<ResponseEntity<Void>> callback(@RequestParam(required = false) String code, @RequestParam(required = false) String state,
                                        ServerWebExchange exchange) {
        String next = SignInState.verify(exchange.getRequest(), state).orElse(null);
        if (next == null) {
            return Mono.error(SignInException.invalidState());
        }
        if (code == null || !CODE.matcher(code).matches()) {
            return Mono.error(SignInException.missingCode());
        }
        // The state is single-use whatever happens next: a replayed callback URL finds no cookie.
        exchange.getResponse().addCookie(SignInState.cleared(web.secure()));
        return codeExchange.openidFor(code)
                .filter(Openids::isValid)
                .switchIfEmpty(Mono.error(() -> SignInException.refused(0)))
                .flatMap(openid -> sessions.signIn(exchange, openid)
                        .doOnSuccess(done -> log.info("Signed in {}", Masking.openid(openid))))
                .thenReturn(ResponseEntity.status(HttpStatus.FOUND).location(URI.create(next)).<Void>build());
    }

    /** Ends the session; the member page's own cookie-borne call, so it carries the CSRF header. */
    @PostMapping("/auth/logout")
    Mono<ResponseEntity<Void>> logout(ServerWebExchange exchange) {
        return sessions.signOut(exchange).thenReturn(ResponseEntity.noContent().build());
    }

    /**
     * WeChat wants these parameters in this order and the {@code #wechat_redirect} fragment, or its page may refuse
     * (documented "参数顺序必须正确").
     */
    private URI authorizeUrl(String state) {
        String callback = web.baseUrl() + "/auth/wechat/callback";
        return URI.create(UriComponentsBuilder.fromUriString(wechat.oauthBaseUrl())
                .path("/connect/oauth2/authorize")
                .queryParam("appid", "{appid}")
                .queryParam("redirect_uri", "{redirect}")
                .queryParam("response_type", "code")
                .queryParam("scope", "snsapi_base")
                .queryParam("state", "{state}")
                .encode()
                .buildAndExpand(wechat.appId(), callback, state)
                .toUriString() + "#wechat_redirect");
    }
}
