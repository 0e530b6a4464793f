package dev.wxai.order.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.wxai.common.event.Topics;
import dev.wxai.order.outbox.OutboxRepository;
import dev.wxai.testsupport.PayKeys;
import dev.wxai.testsupport.ScramBroker;
import dev.wxai.testsupport.TestDatabase;
import dev.wxai.testsupport.TestRedis;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Production's Kafka in small: the order-service signs in as its own SCRAM user through the same WXAI_KAFKA_* settings
 * as the prod overlay, with the ACLs of k8s/overlays/prod/kafka-users.yaml (write order.events, nothing else). Its
 * outbox still reaches Kafka; the same user cannot publish inbound messages.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ScramAclIT {

    static final String USER = "wxai-order";
    static final String PASSWORD = "order-it-password-41be";
    static final PayKeys KEYS = new PayKeys(Path.of("target", "pay-keys-scram"));
    static final ScramBroker BROKER = ScramBroker.start(Topics.ORDER_EVENTS, Topics.ORDER_EVENTS_DLT, Topics.INBOUND)
            .user(USER, PASSWORD)
            .allow(USER, ResourceType.TOPIC, Topics.ORDER_EVENTS, AclOperation.DESCRIBE, AclOperation.WRITE);

    @Autowired
    OutboxRepository outbox;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        String database = TestDatabase.recreate("wxai_order_scram_it");
        BROKER.clientProperties(USER, PASSWORD).forEach((key, value) -> registry.add(key, () -> value));
        registry.add("spring.r2dbc.url", () -> TestDatabase.r2dbcUrl(database));
        registry.add("spring.r2dbc.username", TestDatabase::user);
        registry.add("spring.r2dbc.password", TestDatabase::password);
        registry.add("spring.flyway.url", () -> TestDatabase.jdbcUrl(database));
        registry.add("spring.data.redis.url", TestRedis::url);
        registry.add("wxai.pay.merchant-private-key", KEYS.merchantPrivatePem::toString);
        registry.add("wxai.pay.public-key", KEYS.platformPublicPem::toString);
        registry.add("wxai.internal.port", () -> 0);
        registry.add("management.server.port", () -> 0);
        registry.add("wxai.order.outbox-interval", () -> "200ms");
    }

    @AfterAll
    static void stopBroker() {
        BROKER.close();
    }

    @Test
    void theOutboxPublishesAsItsOwnUserAndThatUserCannotForgeInboundMessages() {
        String order = "WXSCRAM" + UUID.randomUUID().toString().substring(0, 8);
        outbox.insert(order, "ORDER_TEST", "{\"order\":\"" + order + "\"}", Instant.now()).block();

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(BROKER.read(Topics.ORDER_EVENTS)).anySatisfy(record -> assertThat(record.value()).contains(order)));
        assertThat(BROKER.sendAs(USER, PASSWORD, Topics.INBOUND, "oForged", "<xml/>"))
                .isInstanceOf(TopicAuthorizationException.class);
    }
}
