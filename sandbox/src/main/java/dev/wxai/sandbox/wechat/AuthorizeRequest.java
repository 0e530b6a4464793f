package dev.wxai.sandbox.wechat;

import dev.wxai.sandbox.SandboxProperties;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.springframework.util.MultiValueMap;

/**
 * The query of {@code /connect/oauth2/authorize}, checked as WeChat checks it before it asks anyone to sign in.
 * https://developers.weixin.qq.com/doc/offiaccount/OA_Web_Apps/Wechat_webpage_authorization.html
 *
 * @param redirectUri as decoded from the query (the page URL-encodes it, as the docs ask)
 * @param state       handed back with the code unchanged; null when absent
 */
record AuthorizeRequest(String appid, String redirectUri, String responseType, String scope, String state) {

    static final Set<String> SCOPES = Set.of("snsapi_base", "snsapi_userinfo");
    /** The docs: "state … 最多128字节". */
    static final int MAX_STATE_BYTES = 128;

    static AuthorizeRequest from(MultiValueMap<String, String> query) {
        return new AuthorizeRequest(query.getFirst("appid"), query.getFirst("redirect_uri"),
                query.getFirst("response_type"), query.getFirst("scope"), query.getFirst("state"));
    }

    /** Why WeChat would refuse, or empty. Codes are the ones WeChat's error page shows, where it shows one. */
    Optional<Refusal> refusal(SandboxProperties properties) {
        if (blank(appid)) {
            return refuse(10012, "appid 不能为空", "appid is missing");
        }
        if (!properties.appId().equals(appid)) {
            return refuse(null, "appid 参数错误", "appid " + appid + " is not this Official Account's (" + properties.appId() + ")");
        }
        if (blank(redirectUri)) {
            return refuse(10011, "redirect_uri 不能为空", "redirect_uri is missing");
        }
        Optional<URI> target = absoluteHttp(redirectUri);
        if (target.isEmpty()) {
            return refuse(null, "redirect_uri 参数错误", "redirect_uri must be an absolute http(s) URL, URL-encoded in the query");
        }
        if (!allowed(target.get(), properties.oauthDomains())) {
            return refuse(10003, "redirect_uri 域名与后台配置不一致", "redirect_uri's host " + target.get().getAuthority()
                    + " is not among the web authorization domains (wxai.sandbox.oauth-domains: "
                    + String.join(", ", properties.oauthDomains()) + ")");
        }
        if (!"code".equals(responseType)) {
            return refuse(null, "response_type 参数错误，须为 code", "response_type must be code");
        }
        if (blank(scope)) {
            return refuse(10010, "scope 不能为空", "scope is missing");
        }
        if (!SCOPES.contains(scope)) {
            return refuse(10005, "此公众号并没有这些 scope 的权限", "scope must be snsapi_base or snsapi_userinfo");
        }
        if (state != null && state.getBytes(StandardCharsets.UTF_8).length > MAX_STATE_BYTES) {
            return refuse(null, "state 参数错误，最多 128 字节", "state is at most 128 bytes");
        }
        return Optional.empty();
    }

    /** Where WeChat sends the browser once the user is known: {@code redirect_uri} with {@code code} and {@code state}. */
    String redirect(String code) {
        int hash = redirectUri.indexOf('#');
        String base = hash < 0 ? redirectUri : redirectUri.substring(0, hash);
        String fragment = hash < 0 ? "" : redirectUri.substring(hash);
        String parameters = "code=" + code + (state == null ? "" : "&state=" + encode(state));
        return base + (base.contains("?") ? "&" : "?") + parameters + fragment;
    }

    private static Optional<URI> absoluteHttp(String uri) {
        try {
            URI parsed = new URI(uri);
            String scheme = parsed.getScheme() == null ? "" : parsed.getScheme().toLowerCase(Locale.ROOT);
            boolean http = scheme.equals("http") || scheme.equals("https");
            return http && parsed.getHost() != null ? Optional.of(parsed) : Optional.empty();
        } catch (URISyntaxException malformed) {
            return Optional.empty();
        }
    }

    /**
     * WeChat matches the whole host: {@code www.qq.com} allows {@code http://www.qq.com/login.html}, not
     * {@code music.qq.com}. The sandbox also reads {@code host:port}, for the local stack's ports; a host alone
     * allows it on any port.
     */
    private static boolean allowed(URI target, List<String> domains) {
        if (domains.isEmpty()) {
            return true;
        }
        String host = target.getHost().toLowerCase(Locale.ROOT);
        int port = target.getPort() != -1 ? target.getPort() : "https".equalsIgnoreCase(target.getScheme()) ? 443 : 80;
        return domains.contains(host) || domains.contains(host + ":" + port);
    }

    /** URLEncoder writes a space as '+', which not every reader of a query decodes; %20 every reader does. */
    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    private static Optional<Refusal> refuse(Integer errcode, String chinese, String english) {
        return Optional.of(new Refusal(errcode, chinese, english));
    }

    /** @param errcode the code WeChat's error page shows, or null where it shows none */
    record Refusal(Integer errcode, String chinese, String english) {

        String message() {
            return chinese + (errcode == null ? "" : "，错误码 " + errcode) + " · " + english;
        }
    }
}
