package dev.wxai.sandbox.wechat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wxai.sandbox.SandboxProperties;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuthorizeRequestTest {

    @Test
    void theCodeAndStateJoinTheRedirectUrisOwnQueryBeforeItsFragment() {
        assertThat(request("http://127.0.0.1:8080/auth/wechat/callback", "a b&c=d/é").redirect("CODE"))
                .isEqualTo("http://127.0.0.1:8080/auth/wechat/callback?code=CODE&state=a%20b%26c%3Dd%2F%C3%A9");
        assertThat(request("https://shop.example.com/cb?next=%2Fshop%2F#top", null).redirect("CODE"))
                .isEqualTo("https://shop.example.com/cb?next=%2Fshop%2F&code=CODE#top");
    }

    @Test
    void aListedHostAllowsAnyPortAndAListedHostAndPortOnlyThatPort() {
        SandboxProperties properties = properties(List.of("127.0.0.1:8080", "Shop.Example.com"));

        assertThat(request("http://127.0.0.1:8080/cb", "s").refusal(properties)).isEmpty();
        assertThat(request("https://shop.example.com:8443/cb", "s").refusal(properties)).isEmpty();
        assertThat(request("http://127.0.0.1:9090/cb", "s").refusal(properties))
                .hasValueSatisfying(refusal -> assertThat(refusal.errcode()).isEqualTo(10003));
        // The whole host must match: a subdomain of a listed host is another host, as in WeChat.
        assertThat(request("https://pay.shop.example.com/cb", "s").refusal(properties))
                .hasValueSatisfying(refusal -> assertThat(refusal.message()).startsWith("redirect_uri 域名与后台配置不一致，错误码 10003 · "));
        assertThat(request("http://localhost/cb", "s").refusal(properties(List.of("localhost:80")))).isEmpty();
    }

    @Test
    void aStateOverTheDocumented128BytesIsRefused() {
        assertThat(request("http://127.0.0.1:8080/cb", "s".repeat(128)).refusal(properties(List.of()))).isEmpty();
        assertThat(request("http://127.0.0.1:8080/cb", "s".repeat(129)).refusal(properties(List.of())))
                .hasValueSatisfying(refusal -> assertThat(refusal.english()).contains("128 bytes"));
    }

    private static AuthorizeRequest request(String redirectUri, String state) {
        return new AuthorizeRequest("wxapp", redirectUri, "code", "snsapi_base", state);
    }

    private static SandboxProperties properties(List<String> domains) {
        return new SandboxProperties("wxapp", "secret", "sk", Duration.ZERO, Duration.ofSeconds(7200), null, domains);
    }
}
