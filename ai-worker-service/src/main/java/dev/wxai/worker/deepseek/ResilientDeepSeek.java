package dev.wxai.worker.deepseek;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.reactor.bulkhead.operator.BulkheadOperator;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import io.github.resilience4j.reactor.retry.RetryOperator;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryRegistry;
import java.util.List;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * DeepSeek behind resilience4j's {@code deepseek} instances (application.yml): a bulkhead caps this pod's
 * concurrent calls (pods × bulkhead stays under the account's concurrency limit), a circuit breaker stops calling
 * a DeepSeek that keeps failing, and a retry with exponential, jittered backoff tries the retryable failures again.
 * Each attempt passes the breaker and the bulkhead on its own.
 */
@Component
public class ResilientDeepSeek {

    static final String INSTANCE = "deepseek";

    private final DeepSeekClient client;
    private final Bulkhead bulkhead;
    private final CircuitBreaker circuitBreaker;
    private final Retry retry;

    ResilientDeepSeek(DeepSeekClient client, BulkheadRegistry bulkheads, CircuitBreakerRegistry circuitBreakers,
                      RetryRegistry retries) {
        this.client = client;
        this.bulkhead = bulkheads.bulkhead(INSTANCE);
        this.circuitBreaker = circuitBreakers.circuitBreaker(INSTANCE);
        this.retry = retries.retry(INSTANCE);
    }

    public Mono<String> answer(String openid, List<ChatTurn> history, String userMessage) {
        return Mono.defer(() -> client.answer(openid, history, userMessage))
                .transformDeferred(BulkheadOperator.of(bulkhead))
                .transformDeferred(CircuitBreakerOperator.of(circuitBreaker))
                .transformDeferred(RetryOperator.of(retry));
    }
}
