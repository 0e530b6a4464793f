package dev.wxai.worker.config;

import dev.wxai.common.event.MalformedEventException;
import dev.wxai.common.event.Topics;
import org.apache.kafka.common.TopicPartition;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * Errors of the {@code @KafkaListener}s (the order events; {@code wechat.inbound} has its own loop): retried in place
 * with exponential back-off (1 s doubling to 30 s) for {@code wxai.entitlements.retry-for}, so an outage of Redis
 * delays an entitlement but does not lose it; then the record goes to {@code order.events.DLT} and the partition
 * moves on. A record that cannot even be read is dead-lettered at once. Spring Boot gives this handler to the
 * listener container factory.
 */
@Configuration
class WorkerKafkaConfig {

    @Bean
    DefaultErrorHandler kafkaListenerErrorHandler(KafkaTemplate<Object, Object> template, EntitlementProperties properties) {
        DeadLetterPublishingRecoverer deadLetters = new DeadLetterPublishingRecoverer(template,
                (record, error) -> new TopicPartition(Topics.ORDER_EVENTS_DLT, -1));
        ExponentialBackOff backOff = new ExponentialBackOff(1_000, 2.0);
        backOff.setMaxInterval(30_000);
        backOff.setMaxElapsedTime(properties.retryFor().toMillis());
        DefaultErrorHandler handler = new DefaultErrorHandler(deadLetters, backOff);
        handler.addNotRetryableExceptions(MalformedEventException.class);
        return handler;
    }
}
