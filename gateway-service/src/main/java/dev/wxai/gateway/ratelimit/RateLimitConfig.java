package dev.wxai.gateway.ratelimit;

import dev.wxai.gateway.config.GatewayProperties;
import org.springframework.cloud.gateway.filter.ratelimit.RedisRateLimiter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

/**
 * One Redis token bucket limiter per kind of caller, both running Spring Cloud Gateway's own Lua script. None for
 * {@code /wechat}: a per-openid bucket in front of the signature check let anyone silence a user with a few unsigned
 * requests, so the ingress keeps it, after verifying the signature.
 */
@Configuration
class RateLimitConfig {

    /** Static: a post-processor must exist before the beans it processes. */
    @Bean
    static StaticRateLimiterScript staticRateLimiterScript() {
        return new StaticRateLimiterScript();
    }

    /** Primary only because Spring Cloud Gateway's (unused) RequestRateLimiter filter factory wants one limiter. */
    @Bean
    @Primary
    RedisRateLimiter apiRateLimiter(GatewayProperties properties) {
        GatewayProperties.Limit limit = properties.api();
        return new RedisRateLimiter(limit.replenishRate(), limit.burstCapacity(), limit.requestedTokens());
    }

    @Bean
    RedisRateLimiter adminRateLimiter(GatewayProperties properties) {
        GatewayProperties.Limit limit = properties.admin();
        return new RedisRateLimiter(limit.replenishRate(), limit.burstCapacity(), limit.requestedTokens());
    }
}
