package dev.wxai.order.config;

import dev.wxai.common.event.Topics;
import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;

/** The order events topic and its dead letters, created when missing. Order events are few; three partitions leave room. */
@Configuration
class KafkaTopicsConfig {

    @Bean
    NewTopic orderEventsTopic(@Value("${wxai.kafka.order-events-partitions:3}") int partitions,
                              @Value("${wxai.kafka.replication-factor:1}") short replicas) {
        return TopicBuilder.name(Topics.ORDER_EVENTS).partitions(partitions).replicas(replicas).build();
    }

    /** Where the workers put an order event they could not apply after retrying for a while. */
    @Bean
    NewTopic orderEventsDeadLetterTopic(@Value("${wxai.kafka.order-events-partitions:3}") int partitions,
                                        @Value("${wxai.kafka.replication-factor:1}") short replicas) {
        return TopicBuilder.name(Topics.ORDER_EVENTS_DLT).partitions(partitions).replicas(replicas).build();
    }
}
