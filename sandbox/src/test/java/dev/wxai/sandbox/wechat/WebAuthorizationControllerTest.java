package dev.wxai.sandbox.wechat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wxai.sandbox.SandboxProperties;
import dev.wxai.sandbox.control.Faults;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** WeChat web authorization as a page meets it: the authorize redirect, its refusals, and the one-time code. */
class WebAuthorizationControllerTest {

    private static final String CALLBACK = "http://127.0.0.1:8080/auth/wechat/callback";
    private static final Pattern CODE = Pattern.compile("[?&]code=([A-Za-z0-9]{32})");

    private final MovableClock clock = new MovableClock();
    private final Faults faults = new Faults();
    private WebTestClient client = withDomains(List.of());

    @Test
    void aKnownUserIsSentBackWithAOneTimeCodeAndTheStateAndRemembered() {
        WebTestClient.ResponseSpec response = authorize(Map.of("state", "s3Cr3t/next=/shop/", "sandbox_openid", "oSandboxUser123456"))
                .expectStatus().isFound();

        response.expectHeader().value("Set-Cookie", cookie -> assertThat(cookie)
                .startsWith("wxai_sandbox_openid=oSandboxUser123456;").contains("Path=/").contains("SameSite=Lax")
                .doesNotContain("HttpOnly"));
        String location = location(response);
        assertThat(location).matches(Pattern.quote(CALLBACK) + "\\?code=[A-Za-z0-9]{32}&state=s3Cr3t%2Fnext%3D%2Fshop%2F");

        exchange(code(location)).jsonPath("$.openid").isEqualTo("oSandboxUser123456");
    }

    @Test
    void theCookieSignsInWithoutAskingAndWithoutStateNoneComesBack() {
        WebTestClient.ResponseSpec response = client.get().uri(authorizeUri(Map.of()))
                .cookie("wxai_sandbox_openid", "oFromTheChatPage00001")
                .exchange()
                .expectStatus().isFound();

        String location = location(response);
        assertThat(location).doesNotContain("state=");
        exchange(code(location)).jsonPath("$.openid").isEqualTo("oFromTheChatPage00001");
    }

    @Test
    void withoutAUserItAsksWhoSignsInWithAFreshOpenidAndEveryParameterToComeBackWith() {
        String page = authorize(Map.of("state", "a\"<b>"))
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_HTML)
                .expectBody(String.class).returnResult().getResponseBody();

        assertThat(page).contains("模拟微信授权 · sandbox WeChat sign-in")
                .contains("id=\"sandbox-signin\"")
                .contains("method=\"get\" action=\"authorize\"")
                .contains("<input type=\"hidden\" name=\"appid\" value=\"wxapp\">")
                .contains("<input type=\"hidden\" name=\"redirect_uri\" value=\"" + CALLBACK + "\">")
                .contains("<input type=\"hidden\" name=\"response_type\" value=\"code\">")
                .contains("<input type=\"hidden\" name=\"scope\" value=\"snsapi_base\">")
                .contains("<input type=\"hidden\" name=\"state\" value=\"a&quot;&lt;b&gt;\">")
                .doesNotContain("<b>");
        Matcher suggested = Pattern.compile("name=\"sandbox_openid\" value=\"([^\"]*)\"").matcher(page);
        assertThat(suggested.find()).isTrue();
        assertThat(suggested.group(1)).matches("o[A-Za-z0-9_-]{27}");
    }

    @Test
    void aCookieNobodyCouldHaveMeantIsIgnoredAndTheUserAsked() {
        client.get().uri(authorizeUri(Map.of())).cookie("wxai_sandbox_openid", "short")
                .exchange()
                .expectStatus().isOk()
                .expectBody(String.class).value(page -> assertThat(page).contains("id=\"sandbox-signin\""));
    }

    @Test
    void requestsWechatWouldRefuseGetA400PageThatSaysWhy() {
        Map<Map<String, String>, String> refusals = new LinkedHashMap<>();
        refusals.put(Map.of("appid", "wxother"), "appid 参数错误");
        refusals.put(Map.of("appid", ""), "appid 不能为空，错误码 10012");
        refusals.put(Map.of("response_type", "token"), "response_type 参数错误");
        refusals.put(Map.of("scope", "snsapi_login"), "错误码 10005");
        refusals.put(Map.of("redirect_uri", "/auth/wechat/callback"), "redirect_uri 参数错误");
        refusals.put(Map.of("redirect_uri", "ftp://127.0.0.1/cb"), "redirect_uri 参数错误");
        refusals.put(Map.of("sandbox_openid", "o-too-short"), "openid 须为 16–64 个字母");

        refusals.forEach((change, reason) -> authorize(change)
                .expectStatus().isBadRequest()
                .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_HTML)
                .expectHeader().doesNotExist("Set-Cookie")
                .expectBody(String.class).value(page -> assertThat(page).as("%s", change).contains(reason)));
    }

    @Test
    void aRedirectUriOutsideTheConfiguredDomainsIsRefusedWith10003() {
        client = withDomains(List.of("127.0.0.1:8080"));

        authorize(Map.of("sandbox_openid", "oSandboxUser123456")).expectStatus().isFound();
        authorize(Map.of("sandbox_openid", "oSandboxUser123456", "redirect_uri", "http://127.0.0.1:9999/cb"))
                .expectStatus().isBadRequest()
                .expectBody(String.class).value(page -> assertThat(page)
                        .contains("redirect_uri 域名与后台配置不一致，错误码 10003")
                        .contains("data-errcode=\"10003\""));
    }

    @Test
    void aCodeIsExchangedOnceForTheUsersOpenid() {
        String code = signIn("oSandboxUser123456");

        exchange(code)
                .jsonPath("$.access_token").isNotEmpty()
                .jsonPath("$.expires_in").isEqualTo(7200)
                .jsonPath("$.refresh_token").isNotEmpty()
                .jsonPath("$.openid").isEqualTo("oSandboxUser123456")
                .jsonPath("$.scope").isEqualTo("snsapi_base")
                .jsonPath("$.is_snapshotuser").isEqualTo(0)
                .jsonPath("$.errcode").doesNotExist();
        exchange(code)
                .jsonPath("$.errcode").isEqualTo(40163)
                .jsonPath("$.errmsg").value(String.class, errmsg -> assertThat(errmsg).startsWith("code been used"));
    }

    @Test
    void theExchangeChecksTheAccountLikeWechatAndAFailedOneLeavesTheCodeUnused() {
        String code = signIn("oSandboxUser123456");

        exchange("wxother", "secret", code, "authorization_code").jsonPath("$.errcode").isEqualTo(40013)
                .jsonPath("$.errmsg").value(String.class, errmsg -> assertThat(errmsg).startsWith("invalid appid"));
        exchange("wxapp", "wrong", code, "authorization_code").jsonPath("$.errcode").isEqualTo(40125)
                .jsonPath("$.errmsg").value(String.class, errmsg -> assertThat(errmsg).startsWith("invalid appsecret"));
        exchange("wxapp", "secret", code, "client_credential").jsonPath("$.errcode").isEqualTo(40002)
                .jsonPath("$.errmsg").value(String.class, errmsg -> assertThat(errmsg).startsWith("invalid grant_type"));
        exchange("wxapp", "secret", "061madeUpCode0000000000000000000", "authorization_code")
                .jsonPath("$.errcode").isEqualTo(40029)
                .jsonPath("$.errmsg").value(String.class, errmsg -> assertThat(errmsg).startsWith("invalid code"));

        exchange(code).jsonPath("$.openid").isEqualTo("oSandboxUser123456");
    }

    @Test
    void aCodeNotExchangedWithinFiveMinutesIsInvalid() {
        String code = signIn("oSandboxUser123456");
        clock.advance(Duration.ofMinutes(5));

        exchange(code).jsonPath("$.errcode").isEqualTo(40029);
    }

    @Test
    void aQueuedOauthFaultFailsOneExchangeAndLeavesTheCodeUsable() {
        String code = signIn("oSandboxUser123456");
        faults.queue("oauth", -1, 1);

        exchange(code).jsonPath("$.errcode").isEqualTo(-1);
        exchange(code).jsonPath("$.openid").isEqualTo("oSandboxUser123456");
    }

    private WebTestClient withDomains(List<String> domains) {
        SandboxProperties properties = new SandboxProperties("wxapp", "secret", "sk", Duration.ZERO,
                Duration.ofSeconds(7200), null, domains);
        return WebTestClient.bindToController(new WebAuthorizationController(properties, new AuthorizationCodes(clock), faults))
                .build();
    }

    private String signIn(String openid) {
        return code(location(authorize(Map.of("sandbox_openid", openid)).expectStatus().isFound()));
    }

    /** The authorize URL a page builds, with some parameters changed or added. */
    private WebTestClient.ResponseSpec authorize(Map<String, String> change) {
        return client.get().uri(authorizeUri(change)).exchange();
    }

    private static URI authorizeUri(Map<String, String> change) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("appid", "wxapp");
        query.put("redirect_uri", CALLBACK);
        query.put("response_type", "code");
        query.put("scope", "snsapi_base");
        query.putAll(change);
        // A URI, not a template: the values are encoded here once, as a page encodes redirect_uri.
        return URI.create("/connect/oauth2/authorize?" + query.entrySet().stream()
                .map(parameter -> parameter.getKey() + "=" + URLEncoder.encode(parameter.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&")));
    }

    private static String location(WebTestClient.ResponseSpec response) {
        return response.returnResult(Void.class).getResponseHeaders().getFirst("Location");
    }

    private static String code(String location) {
        Matcher code = CODE.matcher(location);
        assertThat(code.find()).as(location).isTrue();
        return code.group(1);
    }

    private WebTestClient.BodyContentSpec exchange(String code) {
        return exchange("wxapp", "secret", code, "authorization_code");
    }

    private WebTestClient.BodyContentSpec exchange(String appid, String secret, String code, String grantType) {
        return client.get()
                .uri("/sns/oauth2/access_token?appid={appid}&secret={secret}&code={code}&grant_type={grantType}",
                        appid, secret, code, grantType)
                .exchange().expectStatus().isOk().expectBody();
    }
}
