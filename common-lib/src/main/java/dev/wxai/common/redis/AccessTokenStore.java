package dev.wxai.common.redis;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.publisher.Mono;

/**
 * The Official Account's access token, shared by every replica through Redis.
 *
 * <p>WeChat caps token fetches per day and a new {@code /cgi-bin/token} result invalidates the old token five
 * minutes later, so replicas must not each fetch their own. One replica at a time refreshes, under a Redis lock;
 * the others poll the cache until the new token appears (or until the lock expires, should its holder die).
 * Tokens are cached for less than WeChat's {@code expires_in} so that they are replaced before WeChat
 * rejects them.
 */
public final class AccessTokenStore {

    private static final Logger log = LoggerFactory.getLogger(AccessTokenStore.class);

    private final ReactiveStringRedisTemplate redis;
    private final AccessTokenFetcher fetcher;
    private final String tokenKey;
    private final String lockKey;
    private final Settings settings;

    public AccessTokenStore(ReactiveStringRedisTemplate redis, String appId, AccessTokenFetcher fetcher, Settings settings) {
        this(redis, Keys.accessToken(appId), Keys.accessTokenLock(appId), fetcher, settings);
    }

    /**
     * A store for another credential WeChat hands out on the same terms (one per appid, {@code expires_in}, capped
     * fetches), such as the JS-SDK's jsapi_ticket, under its own keys.
     */
    public AccessTokenStore(ReactiveStringRedisTemplate redis, String tokenKey, String lockKey, AccessTokenFetcher fetcher,
                            Settings settings) {
        this.redis = redis;
        this.fetcher = fetcher;
        this.tokenKey = tokenKey;
        this.lockKey = lockKey;
        this.settings = settings;
    }

    /** The cached token, or a fresh one fetched by exactly one of the replicas that find the cache empty. */
    public Mono<String> token() {
        String owner = UUID.randomUUID().toString();
        Mono<String> attempt = cached().switchIfEmpty(Mono.defer(() -> refreshIfLockAcquired(owner)));
        return attempt
                .repeatWhenEmpty(polls -> polls.take(settings.maxPolls()).delayElements(settings.pollInterval()))
                .switchIfEmpty(Mono.error(() -> new AccessTokenUnavailableException(
                        "no access token after waiting " + settings.pollInterval().multipliedBy(settings.maxPolls())
                                + " for the replica that holds the refresh lock")));
    }

    /**
     * Forgets {@code rejectedToken} after WeChat called it invalid or expired (40001, 40014, 42001), unless
     * another caller has already replaced it: deleting a newer token would start a needless refresh.
     *
     * @return whether the cached token was the rejected one and is now gone
     */
    public Mono<Boolean> invalidate(String rejectedToken) {
        return redis.execute(RedisScripts.COMPARE_AND_DELETE, List.of(tokenKey), List.of(rejectedToken))
                .next()
                .map(deleted -> deleted > 0);
    }

    private Mono<String> cached() {
        return redis.opsForValue().get(tokenKey);
    }

    private Mono<String> refreshIfLockAcquired(String owner) {
        return redis.opsForValue().setIfAbsent(lockKey, owner, settings.lockTtl())
                .filter(Boolean::booleanValue)
                .flatMap(locked -> refreshHoldingLock(owner));
    }

    private Mono<String> refreshHoldingLock(String owner) {
        // Another replica may have stored a token between our cache miss and our lock.
        Mono<String> refresh = cached().switchIfEmpty(Mono.defer(() -> fetcher.fetch().flatMap(this::store)));
        return refresh.flatMap(token -> releaseLock(owner).thenReturn(token))
                .onErrorResume(error -> releaseLock(owner).then(Mono.error(error)));
    }

    private Mono<String> store(AccessTokenFetcher.FetchedToken fetched) {
        Duration ttl = cacheTtl(fetched.expiresIn());
        log.info("Fetched a new WeChat access token, cached for {}", ttl);
        return redis.opsForValue().set(tokenKey, fetched.accessToken(), ttl).thenReturn(fetched.accessToken());
    }

    /**
     * Keeps a token for {@code expires_in} minus the safety margin, or half its remaining life when that is
     * shorter: {@code stable_token} hands back the same token with its remaining life until it expires, so the
     * cache converges on the real expiry instead of caching a dead token.
     */
    Duration cacheTtl(Duration expiresIn) {
        Duration withMargin = expiresIn.minus(settings.expiryMargin());
        Duration half = expiresIn.dividedBy(2);
        Duration ttl = withMargin.compareTo(half) >= 0 ? withMargin : half;
        return ttl.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : ttl;
    }

    private Mono<Long> releaseLock(String owner) {
        return redis.execute(RedisScripts.COMPARE_AND_DELETE, List.of(lockKey), List.of(owner)).next();
    }

    /**
     * @param lockTtl      how long a refresher may hold the lock; a dead holder blocks refreshes this long
     * @param pollInterval how often waiting callers look for the token another replica is fetching
     * @param maxPolls     how many times they look before giving up
     * @param expiryMargin how much earlier than WeChat's expiry a token is dropped from the cache
     */
    public record Settings(Duration lockTtl, Duration pollInterval, int maxPolls, Duration expiryMargin) {

        public static Settings defaults() {
            return new Settings(Duration.ofSeconds(10), Duration.ofMillis(50), 240, Duration.ofMinutes(5));
        }
    }
}
