package dev.wxai.ingress.config;

import dev.wxai.common.health.KafkaHealthIndicator;
import java.time.Duration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaAdmin;

/** The `kafka` health contributor, part of this service's readiness group (application.yml). */
@Configuration
class HealthConfig {

    @Bean
    KafkaHealthIndicator kafkaHealthIndicator(KafkaAdmin admin) {
        return new KafkaHealthIndicator(admin.getConfigurationProperties(), Duration.ofSeconds(2));
    }
}
