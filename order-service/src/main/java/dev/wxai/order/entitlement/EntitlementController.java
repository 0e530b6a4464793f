package dev.wxai.order.entitlement;

import dev.wxai.common.redis.Keys;
import dev.wxai.order.web.Openids;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * {@code GET /api/entitlements/{openid}}: what a user's paid membership currently gives them, as the AI workers see it.
 * The workers own {@code entitlement:{openid}} (they apply the order events, see the worker's EntitlementListener):
 * its value is the membership's end in epoch milliseconds, and the key expires then. This only reads it, so the
 * answer is what the quota check believes, a moment after a payment once the event has travelled.
 */
@RestController
class EntitlementController {

    private final ReactiveStringRedisTemplate redis;
    private final Clock clock;

    EntitlementController(ReactiveStringRedisTemplate redis, Clock clock) {
        this.redis = redis;
        this.clock = clock;
    }

    /** {@code {"openid", "membershipUntil": ISO-8601 or null, "active": bool}}; 400 {@code invalid_openid}. */
    @GetMapping("/api/entitlements/{openid}")
    Mono<Map<String, Object>> entitlement(@PathVariable String openid) {
        if (!Openids.isValid(openid)) {
            return Mono.error(Openids.invalid());
        }
        return redis.opsForValue().get(Keys.entitlement(openid))
                .map(EntitlementController::endOf)
                .map(until -> view(openid, until))
                .defaultIfEmpty(view(openid, null));
    }

    private static Instant endOf(String epochMillis) {
        return Instant.ofEpochMilli(Long.parseLong(epochMillis.trim()));
    }

    private Map<String, Object> view(String openid, Instant until) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("openid", openid);
        view.put("membershipUntil", until == null ? null : until.toString());
        // The key expires with the membership; the comparison covers the moment between its end and Redis' expiry.
        view.put("active", until != null && until.isAfter(clock.instant()));
        return view;
    }
}
