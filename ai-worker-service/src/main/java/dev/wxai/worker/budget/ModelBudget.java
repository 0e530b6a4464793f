package dev.wxai.worker.budget;

import dev.wxai.common.redis.Keys;
import dev.wxai.worker.config.WechatApiProperties;
import dev.wxai.worker.config.WorkerProperties;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The account's daily ceiling on model calls ({@code wxai.worker.daily-model-calls}, 0 = none), shared by every
 * worker through one Redis counter per day ({@code model-calls:{appId}:{yyyyMMdd}}, in the quota's time zone). Over
 * it, users get a polite "busy" and the model is not asked, before the account's money runs out.
 * {@code wxai_model_calls_today} and {@code wxai_model_calls_daily_limit} let an alert fire at 80%.
 */
@Component
public class ModelBudget {

    private static final DateTimeFormatter DAY = DateTimeFormatter.BASIC_ISO_DATE;

    private final ReactiveStringRedisTemplate redis;
    private final WorkerProperties properties;
    private final String appId;
    private final Clock clock;
    private final AtomicLong today = new AtomicLong();

    ModelBudget(ReactiveStringRedisTemplate redis, WorkerProperties properties, WechatApiProperties wechat, Clock clock,
                MeterRegistry meters) {
        this.redis = redis;
        this.properties = properties;
        this.appId = wechat.appId();
        this.clock = clock;
        Gauge.builder("wxai.model.calls.today", today, AtomicLong::get)
                .description("Model calls the account made today, as this worker last counted them").register(meters);
        Gauge.builder("wxai.model.calls.daily.limit", properties, p -> p.dailyModelCalls())
                .description("wxai.worker.daily-model-calls (0: no ceiling)").register(meters);
    }

    /** Takes one call from today's budget; false when the budget is spent (the call is not counted then). */
    public Mono<Boolean> tryTake() {
        long limit = properties.dailyModelCalls();
        if (limit <= 0) {
            return Mono.just(true);
        }
        String key = key();
        return redis.opsForValue().increment(key)
                .flatMap(used -> (used == 1 ? redis.expire(key, Duration.ofDays(2)) : Mono.just(true)).thenReturn(used))
                .flatMap(used -> {
                    today.set(Math.min(used, limit));
                    return used <= limit ? Mono.just(true) : redis.opsForValue().decrement(key).thenReturn(false);
                });
    }

    String key() {
        return Keys.modelCalls(appId, LocalDate.now(clock.withZone(properties.quotaZone())).format(DAY));
    }
}
