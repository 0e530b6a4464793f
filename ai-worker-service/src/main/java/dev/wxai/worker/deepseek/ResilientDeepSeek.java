package dev.wxai.worker.deepseek;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.reactor.bulkhead.operator.BulkheadOperator;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import io.github.resilience4j.reactor.retry.RetryOperator;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * DeepSeek behind resilience4j's {@code deepseek} instances (application.yml): a bulkhead caps this pod's
 * concurrent calls (pods × bulkhead stays under the account's concurrency limit), a circuit breaker stops calling
 * a DeepSeek that keeps failing, and a retry with exponential, jittered backoff tries the retryable failures again.
 * Each attempt passes the breaker and the bulkhead on its own.
 *
 * <p>When DeepSeek still fails (retries spent, circuit open, bulkhead full, a refused key) and a fallback provider is
 * configured, the fallback answers, behind its own {@code deepseek-fallback} breaker and bulkhead and without retries
 * (the user has waited long enough). The answer does not say which model wrote it;
 * {@code wxai_model_answers_total{provider}} does.
 */
@Component
public class ResilientDeepSeek {

    static final String INSTANCE = "deepseek";
    static final String FALLBACK = "deepseek-fallback";

    private final DeepSeekClient client;
    private final FallbackModel fallback;
    private final Bulkhead bulkhead;
    private final CircuitBreaker circuitBreaker;
    private final Bulkhead fallbackBulkhead;
    private final CircuitBreaker fallbackCircuitBreaker;
    private final Retry retry;
    private final MeterRegistry meters;
    private final Counter primaryAnswers;
    private final Counter fallbackAnswers;
    private final ConcurrentMap<String, Timer> timers = new ConcurrentHashMap<>();

    ResilientDeepSeek(DeepSeekClient client, FallbackModel fallback, BulkheadRegistry bulkheads,
                      CircuitBreakerRegistry circuitBreakers, RetryRegistry retries, MeterRegistry meters) {
        this.client = client;
        this.fallback = fallback;
        this.meters = meters;
        this.bulkhead = bulkheads.bulkhead(INSTANCE);
        this.circuitBreaker = circuitBreakers.circuitBreaker(INSTANCE);
        this.fallbackBulkhead = bulkheads.bulkhead(FALLBACK);
        this.fallbackCircuitBreaker = circuitBreakers.circuitBreaker(FALLBACK);
        this.retry = retries.retry(INSTANCE);
        this.primaryAnswers = Counter.builder("wxai.model.answers").tag("provider", "primary")
                .description("Answers written by DeepSeek").register(meters);
        this.fallbackAnswers = Counter.builder("wxai.model.answers").tag("provider", "fallback")
                .description("Answers written by the fallback provider while DeepSeek failed").register(meters);
    }

    public Mono<String> answer(String openid, List<ChatTurn> history, String userMessage) {
        Mono<String> primary = primary(openid, history, userMessage).doOnSuccess(answer -> primaryAnswers.increment());
        return fallback.client()
                .map(second -> primary.onErrorResume(error -> second.answer(openid, history, userMessage)
                        .transformDeferred(BulkheadOperator.of(fallbackBulkhead))
                        .transformDeferred(CircuitBreakerOperator.of(fallbackCircuitBreaker))
                        .doOnSuccess(answer -> fallbackAnswers.increment())
                        // Both failed: the primary's failure is the one to report (and to dead-letter).
                        .onErrorMap(fallbackError -> {
                            error.addSuppressed(fallbackError);
                            return error;
                        })))
                .orElse(primary);
    }

    private Mono<String> primary(String openid, List<ChatTurn> history, String userMessage) {
        return Mono.defer(() -> timed(client.answer(openid, history, userMessage)))
                .transformDeferred(BulkheadOperator.of(bulkhead))
                .transformDeferred(CircuitBreakerOperator.of(circuitBreaker))
                .doOnError(error -> {
                    // Refused before a request was made: counted with no duration, so one meter shows every outcome.
                    if (error instanceof CallNotPermittedException || error instanceof BulkheadFullException) {
                        record(outcome(error), 0);
                    }
                })
                .transformDeferred(RetryOperator.of(retry));
    }

    /** Every attempt that reached DeepSeek, by outcome: {@code wxai_deepseek_requests_seconds{outcome}}. */
    private Mono<String> timed(Mono<String> attempt) {
        return Mono.defer(() -> {
            long started = System.nanoTime();
            return attempt.doOnSuccess(answer -> record("success", System.nanoTime() - started))
                    .doOnError(error -> record(outcome(error), System.nanoTime() - started));
        });
    }

    private void record(String outcome, long nanos) {
        // One timer per outcome, built once: building and registering per call was a lookup in the registry each time.
        timers.computeIfAbsent(outcome, key -> Timer.builder("wxai.deepseek.requests").tag("outcome", key)
                .publishPercentileHistogram().register(meters)).record(nanos, TimeUnit.NANOSECONDS);
    }

    static String outcome(Throwable error) {
        if (error instanceof CallNotPermittedException) {
            return "circuit_open";
        }
        if (error instanceof BulkheadFullException) {
            return "bulkhead_full";
        }
        if (DeepSeekFailures.isTimeout(error)) {
            return "timeout";
        }
        if (error instanceof DeepSeekException deepSeek) {
            int status = deepSeek.status();
            return status == 429 ? "rate_limited" : status >= 500 ? "server_error" : status >= 400 ? "client_error" : "error";
        }
        return "error";
    }
}
