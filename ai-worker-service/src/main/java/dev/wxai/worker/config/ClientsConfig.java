package dev.wxai.worker.config;

import dev.wxai.common.redis.AccessTokenFetcher;
import dev.wxai.common.redis.AccessTokenStore;
import dev.wxai.common.redis.PassiveAnswers;
import dev.wxai.common.wechat.api.StableTokenClient;
import dev.wxai.worker.deepseek.DeepSeekClient;
import dev.wxai.worker.deepseek.FallbackModel;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelOption;
import java.time.Duration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/** HTTP clients for the two outside parties, each with its own timeouts, and the shared token store. */
@Configuration
class ClientsConfig {

    static final Duration WECHAT_TIMEOUT = Duration.ofSeconds(5);

    @Bean
    WebClient wechatWebClient(WebClient.Builder builder, WechatApiProperties wechat, WorkerProperties worker) {
        return builder.clone()
                .baseUrl(wechat.apiBaseUrl())
                .clientConnector(connector("wechat", worker.maxInFlight(), Duration.ofSeconds(3), WECHAT_TIMEOUT))
                .build();
    }

    @Bean
    WebClient deepSeekWebClient(WebClient.Builder builder, DeepSeekProperties deepseek) {
        return builder.clone()
                .baseUrl(deepseek.baseUrl())
                .defaultHeader("Authorization", "Bearer " + deepseek.apiKey())
                .clientConnector(connector("deepseek", deepseek.maxInFlight(), deepseek.connectTimeout(), deepseek.timeout()))
                .build();
    }

    @Bean
    DeepSeekClient deepSeekClient(WebClient deepSeekWebClient, DeepSeekProperties deepseek) {
        return new DeepSeekClient(deepSeekWebClient, deepseek.model(), deepseek);
    }

    /** The second provider, when configured: its own connection pool, key and model. */
    @Bean
    FallbackModel fallbackModel(WebClient.Builder builder, DeepSeekProperties deepseek) {
        DeepSeekProperties.Fallback fallback = deepseek.fallback();
        if (!fallback.configured()) {
            return FallbackModel.NONE;
        }
        WebClient web = builder.clone()
                .baseUrl(fallback.baseUrl())
                .defaultHeader("Authorization", "Bearer " + fallback.apiKey())
                .clientConnector(connector("deepseek-fallback", deepseek.maxInFlight(), deepseek.connectTimeout(), deepseek.timeout()))
                .build();
        return new FallbackModel(java.util.Optional.of(new DeepSeekClient(web, fallback.model(), deepseek)));
    }

    @Bean
    AccessTokenStore accessTokenStore(ReactiveStringRedisTemplate redis, WechatApiProperties wechat,
                                      WebClient wechatWebClient, MeterRegistry meters) {
        StableTokenClient client = new StableTokenClient(wechatWebClient, wechat.appId(), wechat.appSecret(), WECHAT_TIMEOUT);
        // wxai_token_refreshes_total{outcome}: how often this pod had to fetch the shared token, and whether it got one.
        AccessTokenFetcher counted = () -> client.fetch()
                .doOnSuccess(token -> meters.counter("wxai.token.refreshes", "outcome", "success").increment())
                .doOnError(error -> meters.counter("wxai.token.refreshes", "outcome", "failed").increment());
        return new AccessTokenStore(redis, wechat.appId(), counted, AccessTokenStore.Settings.defaults());
    }

    /** Passive mode: answers wait here until the user's delivery (or next message) collects them. */
    @Bean
    PassiveAnswers passiveAnswers(ReactiveStringRedisTemplate redis, WorkerProperties worker) {
        return new PassiveAnswers(redis, worker.passiveAnswerTtl());
    }

    /**
     * A connection pool of its own per outside party, as large as the calls this pod keeps in flight: a model call
     * holds its HTTP/1.1 connection for seconds, and Reactor Netty's shared default pool (500 connections, 1,000
     * waiting) would cap the pod at 500 answers per model latency and refuse the rest.
     */
    private static ReactorClientHttpConnector connector(String name, int connections, Duration connectTimeout,
                                                        Duration responseTimeout) {
        ConnectionProvider pool = ConnectionProvider.builder(name)
                .maxConnections(Math.max(connections, 1))
                .pendingAcquireMaxCount(-1)
                .pendingAcquireTimeout(responseTimeout)
                .maxIdleTime(Duration.ofSeconds(30))
                .build();
        HttpClient http = HttpClient.create(pool)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis())
                .responseTimeout(responseTimeout);
        return new ReactorClientHttpConnector(http);
    }
}
