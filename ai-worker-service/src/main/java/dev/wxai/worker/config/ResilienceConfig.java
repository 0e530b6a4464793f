package dev.wxai.worker.config;

import dev.wxai.worker.deepseek.DeepSeekFailures;
import io.github.resilience4j.common.circuitbreaker.configuration.CircuitBreakerConfigCustomizer;
import io.github.resilience4j.common.retry.configuration.RetryConfigCustomizer;
import java.util.function.Predicate;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The parts of the {@code deepseek} resilience4j instances that application.yml cannot say: which failures are
 * retried and which count against the circuit. Sizes and timings stay in application.yml.
 */
@Configuration
class ResilienceConfig {

    @Bean
    RetryConfigCustomizer deepSeekRetryCustomizer() {
        return RetryConfigCustomizer.of("deepseek", builder -> builder.retryOnException((Predicate<Throwable>) DeepSeekFailures::retryable));
    }

    @Bean
    CircuitBreakerConfigCustomizer deepSeekCircuitCustomizer() {
        return CircuitBreakerConfigCustomizer.of("deepseek",
                builder -> builder.recordException((Predicate<Throwable>) DeepSeekFailures::countsAgainstCircuit));
    }
}
