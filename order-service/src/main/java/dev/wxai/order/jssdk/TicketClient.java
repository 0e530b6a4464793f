package dev.wxai.order.jssdk;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.wxai.common.redis.AccessTokenFetcher;
import dev.wxai.common.redis.AccessTokenStore;
import dev.wxai.common.wechat.api.WechatApiException;
import java.time.Duration;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Fetches the JS-SDK's jsapi_ticket, {@code GET /cgi-bin/ticket/getticket?access_token=&type=jsapi}, valid 7200 s.
 * A rejected access token (40001, 40014, 42001) is dropped from the shared store if it is still the cached one, and
 * the fetch is tried once more with a fresh one.
 * https://developers.weixin.qq.com/doc/offiaccount/OA_Web_Apps/JS-SDK.html (appendix 1)
 */
final class TicketClient implements AccessTokenFetcher {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final WebClient webClient;
    private final AccessTokenStore accessTokens;
    private final Duration timeout;

    TicketClient(WebClient webClient, AccessTokenStore accessTokens, Duration timeout) {
        this.webClient = webClient;
        this.accessTokens = accessTokens;
        this.timeout = timeout;
    }

    @Override
    public Mono<FetchedToken> fetch() {
        return attempt().onErrorResume(WechatApiException.class, rejected -> rejected.isTokenRejected()
                ? attempt() : Mono.error(rejected));
    }

    private Mono<FetchedToken> attempt() {
        return accessTokens.token().flatMap(token -> webClient.get()
                .uri(uri -> uri.path("/cgi-bin/ticket/getticket").queryParam("access_token", "{token}")
                        .queryParam("type", "jsapi").build(token))
                .retrieve()
                .bodyToMono(String.class)
                .timeout(timeout)
                .map(body -> JSON.readValue(body, Answer.class))
                .flatMap(answer -> {
                    int errcode = answer.errcode() == null ? 0 : answer.errcode();
                    if (errcode != 0 || answer.ticket() == null || answer.expiresIn() == null) {
                        WechatApiException error = new WechatApiException("getticket", errcode, answer.errmsg());
                        return error.isTokenRejected()
                                ? accessTokens.invalidate(token).then(Mono.<FetchedToken>error(error))
                                : Mono.<FetchedToken>error(error);
                    }
                    return Mono.just(new FetchedToken(answer.ticket(), Duration.ofSeconds(answer.expiresIn())));
                }));
    }

    record Answer(Integer errcode, String errmsg, String ticket, @JsonProperty("expires_in") Long expiresIn) {
    }
}
