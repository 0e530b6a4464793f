package dev.wxai.ingress.config;

import dev.wxai.common.event.Topics;
import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;

/**
 * Creates the inbound topics when they are missing (Spring's KafkaAdmin never shrinks or reconfigures an
 * existing topic). The partition count caps how many consumers share the work, so it is set high up front.
 */
@Configuration
class KafkaTopicsConfig {

    @Bean
    NewTopic inboundTopic(@Value("${wxai.kafka.inbound-partitions:12}") int partitions,
                          @Value("${wxai.kafka.replication-factor:1}") short replicas) {
        return TopicBuilder.name(Topics.INBOUND).partitions(partitions).replicas(replicas).build();
    }

    @Bean
    NewTopic inboundDeadLetterTopic(@Value("${wxai.kafka.inbound-partitions:12}") int partitions,
                                    @Value("${wxai.kafka.replication-factor:1}") short replicas) {
        return TopicBuilder.name(Topics.INBOUND_DLT).partitions(partitions).replicas(replicas).build();
    }
}
