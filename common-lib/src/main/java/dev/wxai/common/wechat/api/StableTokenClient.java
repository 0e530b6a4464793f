package dev.wxai.common.wechat.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.wxai.common.redis.AccessTokenFetcher;
import java.time.Duration;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

/**
 * Fetches the access token from {@code POST /cgi-bin/stable_token} in normal mode. Unlike {@code /cgi-bin/token},
 * the stable token is not replaced by every fetch, so a stray second fetch cannot invalidate the token other
 * replicas are using. https://developers.weixin.qq.com/doc/offiaccount/Basic_Information/getStableAccessToken.html
 */
public final class StableTokenClient implements AccessTokenFetcher {

    private final WebClient webClient;
    private final String appId;
    private final String appSecret;
    private final Duration timeout;

    /** @param webClient a client whose base URL is the WeChat API base */
    public StableTokenClient(WebClient webClient, String appId, String appSecret, Duration timeout) {
        this.webClient = webClient;
        this.appId = appId;
        this.appSecret = appSecret;
        this.timeout = timeout;
    }

    @Override
    public Mono<FetchedToken> fetch() {
        return webClient.post()
                .uri("/cgi-bin/stable_token")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("grant_type", "client_credential", "appid", appId, "secret", appSecret,
                        "force_refresh", false))
                .retrieve()
                .bodyToMono(StableTokenResponse.class)
                .timeout(timeout)
                .flatMap(StableTokenClient::toToken);
    }

    private static Mono<FetchedToken> toToken(StableTokenResponse response) {
        // Success bodies carry no errcode at all; error bodies carry no token.
        int errcode = response.errcode() == null ? 0 : response.errcode();
        if (errcode != 0 || response.accessToken() == null || response.expiresIn() == null) {
            return Mono.error(new WechatApiException("stable_token", errcode, response.errmsg()));
        }
        return Mono.just(new FetchedToken(response.accessToken(), Duration.ofSeconds(response.expiresIn())));
    }

    record StableTokenResponse(
            @JsonProperty("access_token") String accessToken,
            @JsonProperty("expires_in") Long expiresIn,
            Integer errcode,
            String errmsg) {
    }
}
