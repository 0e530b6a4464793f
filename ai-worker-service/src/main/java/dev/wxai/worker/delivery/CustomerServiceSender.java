package dev.wxai.worker.delivery;

import dev.wxai.common.log.Masking;
import dev.wxai.common.redis.AccessTokenStore;
import dev.wxai.common.wechat.api.WechatApiException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

/**
 * Sends text through the customer-service API with the shared access token.
 * https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Service_Center_messages.html
 *
 * <p>When WeChat rejects the token (40001, 40014, 42001) the token is dropped from the shared cache, unless
 * another replica already replaced it, and the message is sent once more with the current token.
 */
@Component
public class CustomerServiceSender {

    private static final Logger log = LoggerFactory.getLogger(CustomerServiceSender.class);

    private final WebClient webClient;
    private final AccessTokenStore tokens;

    CustomerServiceSender(@Qualifier("wechatWebClient") WebClient webClient, AccessTokenStore tokens) {
        this.webClient = webClient;
        this.tokens = tokens;
    }

    public Mono<Void> sendText(String openid, String content) {
        return tokens.token().flatMap(token -> send(token, openid, content)
                .onErrorResume(WechatApiException.class, error -> error.isTokenRejected()
                        ? retryWithFreshToken(token, openid, content, error)
                        : Mono.error(error)));
    }

    private Mono<Void> retryWithFreshToken(String rejected, String openid, String content, WechatApiException error) {
        log.info("WeChat rejected the access token ({}); refreshing once", error.errcode());
        return tokens.invalidate(rejected).then(tokens.token()).flatMap(token -> send(token, openid, content));
    }

    private Mono<Void> send(String token, String openid, String content) {
        Map<String, Object> body = Map.of("touser", openid, "msgtype", "text", "text", Map.of("content", content));
        return webClient.post()
                .uri(uri -> uri.path("/cgi-bin/message/custom/send").queryParam("access_token", token).build())
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .retrieve()
                .bodyToMono(WechatResult.class)
                .flatMap(result -> {
                    if (result.errcode() == null || result.errcode() != 0) {
                        return Mono.error(new WechatApiException("custom/send",
                                result.errcode() == null ? -2 : result.errcode(), result.errmsg()));
                    }
                    log.debug("Sent a customer-service message to {}", Masking.openid(openid));
                    return Mono.empty();
                });
    }

    record WechatResult(Integer errcode, String errmsg) {
    }
}
