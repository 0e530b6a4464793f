package dev.wxai.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * WeChat web sign-in as a browser inside WeChat goes through it, step by step, against our service (directly or
 * through the gateway) and the sandbox playing WeChat's authorize page: {@code /auth/wechat} → WeChat → the callback
 * → a session cookie. Redirects are followed by hand, so tests can stop at any step and tamper with it.
 */
public final class WechatSignIn {

    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private WechatSignIn() {
    }

    /** Signs {@code openid} in and returns the browser state that carries the session. */
    public static User signIn(String baseUrl, String openid) {
        Started started = start(baseUrl, "/shop/");
        HttpResponse<String> authorized = authorize(started.authorizeUrl(), openid);
        String callback = location(authorized);
        HttpResponse<String> signedIn = callback(callback, started.stateCookie());
        if (signedIn.statusCode() != 302) {
            throw new IllegalStateException("sign-in callback answered " + signedIn.statusCode() + ": " + signedIn.body());
        }
        String session = cookie(signedIn, "WXAI_SESSION")
                .orElseThrow(() -> new IllegalStateException("sign-in set no session cookie"));
        User user = new User(baseUrl, openid, session, null);
        return user.withCsrf(cookie(user.get("/api/me"), "XSRF-TOKEN").orElse(null));
    }

    /** Step 1: our service sends the browser to WeChat and binds the state to it with a cookie. */
    public static Started start(String baseUrl, String next) {
        String query = next == null ? "" : "?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8);
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(baseUrl + "/auth/wechat" + query)).GET());
        return new Started(response.statusCode(), location(response),
                cookie(response, "WXAI_SIGNIN").map(value -> "WXAI_SIGNIN=" + value).orElse(""));
    }

    /** Step 2: WeChat's authorize page (the sandbox) signs the user in and redirects back with a code. */
    public static HttpResponse<String> authorize(String authorizeUrl, String openid) {
        String withoutFragment = authorizeUrl.split("#", 2)[0];
        String url = withoutFragment + "&sandbox_openid=" + URLEncoder.encode(openid, StandardCharsets.UTF_8);
        return send(HttpRequest.newBuilder(URI.create(url)).GET());
    }

    /** Step 3: the browser returns to our callback, with whatever cookie it holds. */
    public static HttpResponse<String> callback(String callbackUrl, String cookieHeader) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(callbackUrl)).GET();
        if (cookieHeader != null && !cookieHeader.isEmpty()) {
            request.header("Cookie", cookieHeader);
        }
        return send(request);
    }

    public static String location(HttpResponse<?> response) {
        return response.headers().firstValue("Location")
                .orElseThrow(() -> new IllegalStateException("no redirect: " + response.statusCode() + " " + response.body()));
    }

    /** The value a response's {@code Set-Cookie} gives {@code name}, if it sets it. */
    public static Optional<String> cookie(HttpResponse<?> response, String name) {
        return setCookie(response, name).map(header -> header.substring(name.length() + 1).split(";", 2)[0]);
    }

    /** The whole {@code Set-Cookie} header for {@code name}, attributes included. */
    public static Optional<String> setCookie(HttpResponse<?> response, String name) {
        return response.headers().allValues("Set-Cookie").stream().filter(header -> header.startsWith(name + "=")).findFirst();
    }

    static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** @param stateCookie the {@code Cookie} header value a browser would send back to the callback */
    public record Started(int status, String authorizeUrl, String stateCookie) {
    }

    /** A signed-in browser: its session cookie, and the CSRF token it sends with state-changing calls. */
    public record User(String baseUrl, String openid, String session, String csrf) {

        User withCsrf(String token) {
            return new User(baseUrl, openid, session, token);
        }

        public String cookieHeader() {
            Map<String, String> cookies = new LinkedHashMap<>();
            cookies.put("WXAI_SESSION", session);
            if (csrf != null) {
                cookies.put("XSRF-TOKEN", csrf);
            }
            return String.join("; ", cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
        }

        public HttpResponse<String> get(String path) {
            return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).header("Cookie", cookieHeader()).GET());
        }

        public HttpResponse<String> postJson(String path, String json) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                    .header("Cookie", cookieHeader()).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json));
            if (csrf != null) {
                request.header("X-XSRF-TOKEN", csrf);
            }
            return send(request);
        }
    }
}
