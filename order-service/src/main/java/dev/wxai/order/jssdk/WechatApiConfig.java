package dev.wxai.order.jssdk;

import dev.wxai.common.redis.AccessTokenStore;
import dev.wxai.common.redis.Keys;
import dev.wxai.common.wechat.api.StableTokenClient;
import dev.wxai.order.config.WechatProperties;
import java.time.Duration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The Official Account's access token and the JS-SDK ticket, each shared through Redis by every replica of every
 * service (the worker uses the same access token): WeChat caps fetches of both per day.
 */
@Configuration
class WechatApiConfig {

    static final Duration WECHAT_TIMEOUT = Duration.ofSeconds(5);

    @Bean
    WebClient wechatApiClient(WebClient.Builder builder, WechatProperties wechat) {
        return builder.clone().baseUrl(wechat.apiBaseUrl()).build();
    }

    @Bean
    AccessTokenStore accessTokenStore(ReactiveStringRedisTemplate redis, WechatProperties wechat, WebClient wechatApiClient) {
        StableTokenClient client = new StableTokenClient(wechatApiClient, wechat.appId(), wechat.appSecret(), WECHAT_TIMEOUT);
        return new AccessTokenStore(redis, wechat.appId(), client, AccessTokenStore.Settings.defaults());
    }

    @Bean
    JsapiTickets jsapiTickets(ReactiveStringRedisTemplate redis, WechatProperties wechat, WebClient wechatApiClient,
                              AccessTokenStore accessTokens) {
        TicketClient client = new TicketClient(wechatApiClient, accessTokens, WECHAT_TIMEOUT);
        return new JsapiTickets(new AccessTokenStore(redis, Keys.jsapiTicket(wechat.appId()), Keys.jsapiTicketLock(wechat.appId()),
                client, AccessTokenStore.Settings.defaults()));
    }
}
