package dev.wxai.sandbox.wechat;

import dev.wxai.sandbox.SandboxProperties;
import dev.wxai.sandbox.control.Faults;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpCookie;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseCookie;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * WeChat web authorization (OAuth 2.0, {@code snsapi_base} and {@code snsapi_userinfo}): the authorize page of
 * {@code open.weixin.qq.com} that sends the browser back to the page with a code, and the exchange of that code for
 * the user's openid on {@code api.weixin.qq.com}, which answers like every WeChat API: HTTP 200, errors as errcode.
 * https://developers.weixin.qq.com/doc/offiaccount/OA_Web_Apps/Wechat_webpage_authorization.html
 *
 * <p>Inside WeChat the client knows who the user is. A desktop browser does not, so the sandbox learns it from
 * {@code sandbox_openid} in the query (scripts, tests, the sign-in page's form), else from the cookie
 * {@code wxai_sandbox_openid} (set by the chat page and by every sign-in, so later ones are silent as
 * {@code snsapi_base} is in WeChat), else it asks with a small sign-in page.
 */
@RestController
class WebAuthorizationController {

    static final String OPENID_PARAMETER = "sandbox_openid";
    static final String OPENID_COOKIE = "wxai_sandbox_openid";
    private static final Pattern OPENID = Pattern.compile("[A-Za-z0-9_-]{16,64}");
    private static final String OPENID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
    private static final MediaType HTML = MediaType.parseMediaType("text/html;charset=UTF-8");
    private static final long TOKEN_LIFETIME_SECONDS = 7200;

    private final SandboxProperties properties;
    private final AuthorizationCodes codes;
    private final Faults faults;
    private final SecureRandom random = new SecureRandom();

    WebAuthorizationController(SandboxProperties properties, AuthorizationCodes codes, Faults faults) {
        this.properties = properties;
        this.codes = codes;
        this.faults = faults;
    }

    /**
     * {@code GET /connect/oauth2/authorize?appid&redirect_uri&response_type=code&scope&state} (WeChat's URL ends with
     * {@code #wechat_redirect}, a fragment no server sees): 302 to {@code redirect_uri?code=…&state=…}, the sign-in
     * page, or a 400 page that says what is wrong.
     */
    @GetMapping("/connect/oauth2/authorize")
    ResponseEntity<String> authorize(ServerHttpRequest request) {
        MultiValueMap<String, String> query = request.getQueryParams();
        AuthorizeRequest authorize = AuthorizeRequest.from(query);
        Optional<AuthorizeRequest.Refusal> refusal = authorize.refusal(properties);
        if (refusal.isPresent()) {
            return page(HttpStatus.BAD_REQUEST, AuthorizePages.refused(refusal.get()));
        }
        String chosen = query.getFirst(OPENID_PARAMETER);
        if (chosen != null) {
            return OPENID.matcher(chosen).matches() ? signedIn(authorize, chosen)
                    : page(HttpStatus.BAD_REQUEST, AuthorizePages.refused(new AuthorizeRequest.Refusal(null,
                            "openid 须为 16–64 个字母、数字、_ 或 -", "an openid is 16–64 letters, digits, _ or -")));
        }
        HttpCookie remembered = request.getCookies().getFirst(OPENID_COOKIE);
        if (remembered != null && OPENID.matcher(remembered.getValue()).matches()) {
            return signedIn(authorize, remembered.getValue());
        }
        // No user yet, or a cookie nobody could have meant: ask.
        return page(HttpStatus.OK, AuthorizePages.signIn(query, authorize, freshOpenid()));
    }

    /**
     * {@code GET /sns/oauth2/access_token?appid&secret&code&grant_type=authorization_code}: the user's openid for a
     * code, once. A queued {@code oauth} fault answers its errcode instead and leaves the code unused.
     */
    @GetMapping("/sns/oauth2/access_token")
    Map<String, Object> accessToken(@RequestParam(required = false) String appid,
                                    @RequestParam(required = false) String secret,
                                    @RequestParam(required = false) String code,
                                    @RequestParam(name = "grant_type", required = false) String grantType) {
        return credentialError(appid, secret, grantType, code)
                .or(() -> faults.next("oauth").map(WechatApiController::error))
                .orElseGet(() -> exchange(code, appid));
    }

    private ResponseEntity<String> signedIn(AuthorizeRequest authorize, String openid) {
        String code = codes.issue(openid, authorize.appid(), authorize.scope());
        // Not HttpOnly: the chat page sets this cookie from script, and a script cannot overwrite an HttpOnly cookie.
        ResponseCookie cookie = ResponseCookie.from(OPENID_COOKIE, openid).path("/").sameSite("Lax").build();
        return ResponseEntity.status(HttpStatus.FOUND)
                .header(HttpHeaders.LOCATION, authorize.redirect(code))
                .header(HttpHeaders.SET_COOKIE, cookie.toString())
                .cacheControl(CacheControl.noStore())
                .build();
    }

    private Optional<Map<String, Object>> credentialError(String appid, String secret, String grantType, String code) {
        if (appid == null || appid.isBlank()) {
            return Optional.of(WechatApiController.error(41002));
        }
        if (!properties.appId().equals(appid)) {
            return Optional.of(WechatApiController.error(40013));
        }
        if (secret == null || secret.isBlank()) {
            return Optional.of(WechatApiController.error(41004));
        }
        if (!properties.appSecret().equals(secret)) {
            return Optional.of(WechatApiController.error(40125));
        }
        if (!"authorization_code".equals(grantType)) {
            return Optional.of(WechatApiController.error(40002));
        }
        if (code == null || code.isBlank()) {
            return Optional.of(WechatApiController.error(41008));
        }
        return Optional.empty();
    }

    private Map<String, Object> exchange(String code, String appid) {
        AuthorizationCodes.Redemption redemption = codes.redeem(code, appid);
        return switch (redemption.outcome()) {
            case INVALID -> WechatApiController.error(40029);
            case USED -> WechatApiController.error(40163);
            case EXCHANGED -> {
                Map<String, Object> answer = new LinkedHashMap<>();
                answer.put("access_token", codes.randomText(86));
                answer.put("expires_in", TOKEN_LIFETIME_SECONDS);
                answer.put("refresh_token", codes.randomText(86));
                answer.put("openid", redemption.grant().openid());
                answer.put("scope", redemption.grant().scope());
                // 1 only for a "snapshot page" visitor, who has not really signed in; a sandbox user always has.
                answer.put("is_snapshotuser", 0);
                yield answer;
            }
        };
    }

    /** Shaped like a WeChat openid: 28 characters starting with "o". */
    private String freshOpenid() {
        StringBuilder openid = new StringBuilder("o");
        while (openid.length() < 28) {
            openid.append(OPENID_CHARS.charAt(random.nextInt(OPENID_CHARS.length())));
        }
        return openid.toString();
    }

    private static ResponseEntity<String> page(HttpStatus status, String html) {
        return ResponseEntity.status(status).contentType(HTML).cacheControl(CacheControl.noStore()).body(html);
    }
}
