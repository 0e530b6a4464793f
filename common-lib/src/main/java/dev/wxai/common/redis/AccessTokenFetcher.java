package dev.wxai.common.redis;

import java.time.Duration;
import reactor.core.publisher.Mono;

/** Asks WeChat for an access token; {@link AccessTokenStore} decides when. */
@FunctionalInterface
public interface AccessTokenFetcher {

    Mono<FetchedToken> fetch();

    record FetchedToken(String accessToken, Duration expiresIn) {

        @Override
        public String toString() {
            return "FetchedToken[expiresIn=" + expiresIn + "]";
        }
    }
}
