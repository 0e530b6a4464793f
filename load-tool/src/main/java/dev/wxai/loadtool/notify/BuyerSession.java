package dev.wxai.loadtool.notify;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One buyer signed in through WeChat web sign-in, as the order API requires: {@code /auth/wechat} → the sandbox's
 * authorize page (it plays WeChat and takes {@code sandbox_openid}) → our callback → a session cookie, then the CSRF
 * cookie. Untimed set-up on the tool's own thread, so it simply blocks.
 *
 * @param cookie the {@code Cookie} header to send
 * @param csrf   the {@code X-XSRF-TOKEN} header to send with POSTs
 */
record BuyerSession(String cookie, String csrf) {

    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();

    static BuyerSession signIn(String baseUrl, String openid) {
        HttpResponse<String> started = get(baseUrl + "/auth/wechat?next=/shop/", null);
        String state = "WXAI_SIGNIN=" + cookie(started, "WXAI_SIGNIN");
        String authorize = location(started).split("#", 2)[0] + "&sandbox_openid=" + URLEncoder.encode(openid, StandardCharsets.UTF_8);
        HttpResponse<String> back = get(location(get(authorize, null)), state);
        if (back.statusCode() != 302) {
            throw new IllegalStateException("sign-in at " + baseUrl + " answered " + back.statusCode() + ": " + back.body());
        }
        String session = "WXAI_SESSION=" + cookie(back, "WXAI_SESSION");
        String csrf = cookie(get(baseUrl + "/api/me", session), "XSRF-TOKEN");
        return new BuyerSession(session + "; XSRF-TOKEN=" + csrf, csrf);
    }

    private static HttpResponse<String> get(String url, String cookie) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET();
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + url.split("\\?", 2)[0] + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String location(HttpResponse<String> response) {
        return response.headers().firstValue("Location").orElseThrow(() -> new IllegalStateException(
                "sign-in expected a redirect, got " + response.statusCode() + ": " + response.body()));
    }

    private static String cookie(HttpResponse<String> response, String name) {
        return response.headers().allValues("Set-Cookie").stream().filter(header -> header.startsWith(name + "="))
                .map(header -> header.substring(name.length() + 1).split(";", 2)[0])
                .findFirst().orElseThrow(() -> new IllegalStateException("sign-in set no " + name + " cookie"));
    }
}
