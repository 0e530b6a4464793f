package dev.wxai.order.signin;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.wxai.order.config.WechatProperties;
import java.time.Duration;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Trades a sign-in code for the user's openid at {@code sns/oauth2/access_token}, once: WeChat accepts each code a
 * single time within five minutes (40163 "code been used", 40029 "invalid code").
 * https://developers.weixin.qq.com/doc/offiaccount/OA_Web_Apps/Wechat_webpage_authorization.html
 *
 * <p>The request URL carries the AppSecret, so no error raised here contains it: failures become
 * {@link SignInException}s with WeChat's errcode, never the client's message (which names the URL).
 */
@Component
class CodeExchange {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    // WeChat answers this endpoint as text/plain in places; read the body as text and parse it ourselves.
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final WebClient webClient;
    private final WechatProperties wechat;

    /** @param wechatApiClient the client whose base URL is WeChat's API (WechatApiConfig) */
    CodeExchange(WebClient wechatApiClient, WechatProperties wechat) {
        this.webClient = wechatApiClient;
        this.wechat = wechat;
    }

    Mono<String> openidFor(String code) {
        return webClient.get()
                .uri(uri -> uri.path("/sns/oauth2/access_token")
                        .queryParam("appid", "{appid}").queryParam("secret", "{secret}").queryParam("code", "{code}")
                        .queryParam("grant_type", "authorization_code")
                        .build(wechat.appId(), wechat.appSecret(), code))
                .retrieve()
                .bodyToMono(String.class)
                .timeout(TIMEOUT)
                .onErrorMap(error -> !(error instanceof SignInException), error -> SignInException.unavailable())
                .map(CodeExchange::openid);
    }

    private static String openid(String body) {
        Answer answer;
        try {
            answer = JSON.readValue(body, Answer.class);
        } catch (RuntimeException unreadable) {
            throw SignInException.unavailable();
        }
        int errcode = answer.errcode() == null ? 0 : answer.errcode();
        if (errcode == 40029 || errcode == 40163) {
            throw SignInException.codeRejected(errcode);
        }
        if (errcode != 0 || answer.openid() == null) {
            throw SignInException.refused(errcode);
        }
        return answer.openid();
    }

    /** The parts we use; the web access token itself is not needed for {@code snsapi_base} and is dropped. */
    record Answer(String openid, String scope, Integer errcode, String errmsg,
                  @JsonProperty("expires_in") Long expiresIn) {
    }
}
