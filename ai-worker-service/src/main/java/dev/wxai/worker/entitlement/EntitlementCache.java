package dev.wxai.worker.entitlement;

import dev.wxai.common.redis.Keys;
import dev.wxai.worker.config.EntitlementProperties;
import java.time.Clock;
import java.util.List;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * {@code entitlement:{openid}} = {@code <revision>:<membership end in epoch ms, 0 for none>}: the workers' cache of
 * what MySQL records. Written from order events and from lookups that fill a miss; one script keeps the higher
 * revision, so a lookup that read MySQL just before a payment can never overwrite the payment's state.
 */
final class EntitlementCache {

    /** KEYS[1] the cache key; ARGV: revision, membership end (ms, 0 none), time-to-live (ms). 1 written, 0 older. */
    static final RedisScript<Long> KEEP_NEWEST = RedisScript.of("""
            local current = redis.call('GET', KEYS[1])
            if current then
              local revision = tonumber(string.match(current, '^(%d+):'))
              if revision and revision > tonumber(ARGV[1]) then return 0 end
            end
            redis.call('SET', KEYS[1], ARGV[1] .. ':' .. ARGV[2], 'PX', ARGV[3])
            return 1
            """, Long.class);

    private EntitlementCache() {
    }

    static List<String> keys(String openid) {
        return List.of(Keys.entitlement(openid));
    }

    /**
     * A member's entry lives until the membership ends (or the cache TTL, if sooner); a non-member's for the cache TTL.
     * Order events refresh it long before either in normal operation.
     */
    static List<String> args(long revision, Long membershipUntil, EntitlementProperties properties, Clock clock) {
        long now = clock.millis();
        long until = membershipUntil == null ? 0 : membershipUntil;
        long ttl = properties.cacheTtl().toMillis();
        if (until > now) {
            ttl = Math.min(ttl, until - now);
        }
        return List.of(String.valueOf(revision), String.valueOf(until), String.valueOf(Math.max(ttl, 1)));
    }

    /** The membership end in a cached value; null when the value is not one of ours. */
    static Long membershipUntil(String cached) {
        int colon = cached == null ? -1 : cached.indexOf(':');
        if (colon < 0) {
            return null;
        }
        try {
            return Long.parseLong(cached.substring(colon + 1));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
