package dev.wxai.worker.entitlement;

import dev.wxai.common.log.Masking;
import dev.wxai.worker.config.EntitlementProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

/**
 * Is this user a member now? From the Redis cache, or, on a miss, from the order-service's record (then cached). The
 * answer never becomes "no" merely because Redis forgot: a miss asks MySQL's owner. When the order-service cannot be
 * asked either, the user gets the benefit of the doubt (counted in {@code wxai_entitlement_lookups{outcome="failed"}})
 * rather than a paying member being told to pay.
 */
@Component
public class Memberships {

    private static final Logger log = LoggerFactory.getLogger(Memberships.class);

    private final ReactiveStringRedisTemplate redis;
    private final WebClient orderService;
    private final EntitlementProperties properties;
    private final Counter filled;
    private final Counter failed;
    private final Clock clock;

    Memberships(ReactiveStringRedisTemplate redis, WebClient.Builder builder, EntitlementProperties properties, MeterRegistry meters,
                Clock clock) {
        this.redis = redis;
        this.orderService = builder.clone().baseUrl(properties.url())
                .defaultHeader("Authorization", "Bearer " + properties.token()).build();
        this.properties = properties;
        // Registered now, not at the first lookup: an alert reads the failures, so the series exists from the start.
        this.filled = Counter.builder("wxai.entitlement.lookups").tag("outcome", "filled")
                .description("Cache misses filled from the order-service's record").register(meters);
        this.failed = Counter.builder("wxai.entitlement.lookups").tag("outcome", "failed")
                .description("Cache misses the order-service could not answer (the user counted as a member)").register(meters);
        this.clock = clock;
    }

    /**
     * From the cache value the caller read ({@code null} or empty when there was none: the read shares the reply's
     * first round trip to Redis), or from the order-service on a miss.
     */
    public Mono<Boolean> isMember(String openid, String cached) {
        Long until = cached == null || cached.isEmpty() ? null : EntitlementCache.membershipUntil(cached);
        return until != null ? Mono.just(until > clock.millis()) : lookUp(openid);
    }

    private Mono<Boolean> lookUp(String openid) {
        return orderService.get().uri("/internal/entitlements/{openid}", openid)
                .retrieve()
                .bodyToMono(Entitlement.class)
                .timeout(properties.timeout())
                .flatMap(found -> redis.execute(EntitlementCache.KEEP_NEWEST, EntitlementCache.keys(openid),
                                EntitlementCache.args(found.revision(), found.membershipUntil(), properties, clock))
                        .then(Mono.just(found.membershipUntil() != null && found.membershipUntil() > clock.millis())))
                .doOnNext(member -> filled.increment())
                .onErrorResume(error -> {
                    failed.increment();
                    log.warn("Entitlement of {} unknown ({}); treated as a member for this message", Masking.openid(openid),
                            error.toString());
                    return Mono.just(true);
                });
    }

    /** The order-service's internal answer. */
    record Entitlement(String openid, Long membershipUntil, long revision, java.util.List<String> courses) {
    }
}
