package dev.wxai.worker.config;

import dev.wxai.common.redis.AccessTokenFetcher;
import dev.wxai.common.redis.AccessTokenStore;
import dev.wxai.common.redis.PassiveAnswers;
import dev.wxai.common.wechat.api.StableTokenClient;
import dev.wxai.worker.deepseek.DeepSeekClient;
import dev.wxai.worker.deepseek.FallbackModel;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.netty.channel.ChannelOption;
import java.time.Duration;
import java.util.Optional;
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
    private static final Duration WECHAT_CONNECT_TIMEOUT = Duration.ofSeconds(3);
    /** Token fetches are rare (one pod at a time, every couple of hours): a few connections are plenty. */
    private static final int TOKEN_CONNECTIONS = 4;

    /**
     * WeChat's message API ({@code custom/send}, {@code custom/typing}: two calls per reply) on Reactor Netty directly:
     * WebClient's header maps, URI templates and body extractors were about a sixth of the worker's execution samples,
     * and these calls need none of them; without WebClient (DeepSeek's call too) a warm reply costs ~12% less CPU
     * (bench/RESULTS.md, issue 19).
     */
    @Bean
    HttpClient wechatHttpClient(WechatApiProperties wechat, WorkerProperties worker) {
        return httpClient("wechat", worker.maxInFlight(), WECHAT_CONNECT_TIMEOUT, WECHAT_TIMEOUT)
                .baseUrl(wechat.apiBaseUrl());
    }

    /** The stable-token endpoint, through WebClient like the other services' token fetches (common-lib). */
    @Bean
    WebClient wechatWebClient(WebClient.Builder builder, WechatApiProperties wechat) {
        return builder.clone()
                .baseUrl(wechat.apiBaseUrl())
                .clientConnector(new ReactorClientHttpConnector(
                        httpClient("wechat-token", TOKEN_CONNECTIONS, WECHAT_CONNECT_TIMEOUT, WECHAT_TIMEOUT)))
                .build();
    }

    /** DeepSeek on Reactor Netty directly, like WeChat's message API (DeepSeekClient says why). */
    @Bean
    DeepSeekClient deepSeekClient(DeepSeekProperties deepseek, ObservationRegistry observations) {
        return new DeepSeekClient(httpClient("deepseek", deepseek.maxInFlight(), deepseek.connectTimeout(), deepseek.timeout()),
                deepseek.baseUrl(), deepseek.apiKey(), deepseek.model(), deepseek, observations);
    }

    /** The second provider, when configured: its own connection pool, key and model. */
    @Bean
    FallbackModel fallbackModel(DeepSeekProperties deepseek, ObservationRegistry observations) {
        DeepSeekProperties.Fallback fallback = deepseek.fallback();
        if (!fallback.configured()) {
            return FallbackModel.NONE;
        }
        HttpClient http = httpClient("deepseek-fallback", deepseek.maxInFlight(), deepseek.connectTimeout(), deepseek.timeout());
        return new FallbackModel(Optional.of(new DeepSeekClient(http, fallback.baseUrl(), fallback.apiKey(), fallback.model(),
                deepseek, observations)));
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
    static HttpClient httpClient(String name, int connections, Duration connectTimeout, Duration responseTimeout) {
        ConnectionProvider pool = ConnectionProvider.builder(name)
                .maxConnections(Math.max(connections, 1))
                .pendingAcquireMaxCount(-1)
                .pendingAcquireTimeout(responseTimeout)
                .maxIdleTime(Duration.ofSeconds(30))
                .build();
        return HttpClient.create(pool)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis())
                .responseTimeout(responseTimeout);
    }
}
