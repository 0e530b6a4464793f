package dev.wxai.common.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wxai.testsupport.TestRedis;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

class AccessTokenStoreIT {

    private final ReactiveStringRedisTemplate redis = TestRedis.template();
    private final String appId = "wxtest" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private final AtomicInteger fetches = new AtomicInteger();

    /** Plays WeChat: each fetch takes a while and hands out a new token. */
    private final AccessTokenFetcher slowWechat = () -> Mono.delay(Duration.ofMillis(300))
            .map(tick -> new AccessTokenFetcher.FetchedToken("token-" + fetches.incrementAndGet(), Duration.ofSeconds(7200)));

    private AccessTokenStore replica(AccessTokenFetcher fetcher) {
        return new AccessTokenStore(redis, appId, fetcher, AccessTokenStore.Settings.defaults());
    }

    @Test
    void concurrentRefreshersOnTwoReplicasFetchOnce() {
        AccessTokenStore first = replica(slowWechat);
        AccessTokenStore second = replica(slowWechat);

        List<String> tokens = Flux.range(0, 20)
                .flatMap(i -> (i % 2 == 0 ? first : second).token().subscribeOn(Schedulers.parallel()))
                .collectList()
                .block(Duration.ofSeconds(10));

        assertThat(fetches).hasValue(1);
        assertThat(tokens).hasSize(20).containsOnly("token-1");
    }

    @Test
    void cachedTokenIsServedWithoutFetching() {
        AccessTokenStore store = replica(slowWechat);
        StepVerifier.create(store.token()).expectNext("token-1").verifyComplete();
        StepVerifier.create(store.token()).expectNext("token-1").verifyComplete();

        assertThat(fetches).hasValue(1);
        StepVerifier.create(redis.getExpire(Keys.accessToken(appId)))
                .assertNext(ttl -> assertThat(ttl).isBetween(Duration.ofSeconds(6800), Duration.ofSeconds(6900)))
                .verifyComplete();
    }

    @Test
    void invalidatingTheRejectedTokenMakesTheNextCallFetchAgain() {
        AccessTokenStore store = replica(slowWechat);
        StepVerifier.create(store.token()).expectNext("token-1").verifyComplete();

        StepVerifier.create(store.invalidate("token-1")).expectNext(true).verifyComplete();
        StepVerifier.create(store.token()).expectNext("token-2").verifyComplete();
    }

    @Test
    void aStaleRejectionDoesNotDropTheNewerToken() {
        AccessTokenStore store = replica(slowWechat);
        StepVerifier.create(store.token()).expectNext("token-1").verifyComplete();
        StepVerifier.create(store.invalidate("token-1")).expectNext(true).verifyComplete();
        StepVerifier.create(store.token()).expectNext("token-2").verifyComplete();

        // A caller that still held token-1 reports it rejected after token-2 was cached.
        StepVerifier.create(store.invalidate("token-1")).expectNext(false).verifyComplete();
        StepVerifier.create(store.token()).expectNext("token-2").verifyComplete();
        assertThat(fetches).hasValue(2);
    }

    @Test
    void aFailedFetchReleasesTheLockSoThatTheNextCallerCanTry() {
        AccessTokenStore failing = replica(() -> Mono.error(new IllegalStateException("WeChat said 40013")));
        StepVerifier.create(failing.token()).expectErrorMessage("WeChat said 40013").verify();

        StepVerifier.create(redis.hasKey(Keys.accessTokenLock(appId))).expectNext(false).verifyComplete();
        StepVerifier.create(replica(slowWechat).token()).expectNext("token-1").verifyComplete();
    }

    @Test
    void waitersGiveUpWhenTheLockHolderNeverDelivers() {
        redis.opsForValue().set(Keys.accessTokenLock(appId), "a-replica-that-died", Duration.ofSeconds(30)).block();
        AccessTokenStore impatient = new AccessTokenStore(redis, appId, slowWechat,
                new AccessTokenStore.Settings(Duration.ofSeconds(10), Duration.ofMillis(20), 5, Duration.ofMinutes(5)));

        StepVerifier.create(impatient.token()).expectError(AccessTokenUnavailableException.class).verify();
        assertThat(fetches).hasValue(0);
    }

    @Test
    void shortLivedTokensAreCachedForHalfTheirLife() {
        AccessTokenStore store = replica(slowWechat);
        assertThat(store.cacheTtl(Duration.ofSeconds(7200))).isEqualTo(Duration.ofSeconds(6900));
        assertThat(store.cacheTtl(Duration.ofSeconds(300))).isEqualTo(Duration.ofSeconds(150));
        assertThat(store.cacheTtl(Duration.ofSeconds(1))).isEqualTo(Duration.ofSeconds(1));
    }
}
