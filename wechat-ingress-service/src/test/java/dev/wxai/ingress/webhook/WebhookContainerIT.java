package dev.wxai.ingress.webhook;

import dev.wxai.testsupport.KafkaBroker;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.testcontainers.junit.jupiter.Testcontainers;

/** The webhook contract on the official Kafka image; skipped where no Docker engine runs. */
@Testcontainers(disabledWithoutDocker = true)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class WebhookContainerIT extends WebhookContract {

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        register(registry, () -> KafkaBroker.container().bootstrapServers());
    }

    @Override
    String bootstrapServers() {
        return KafkaBroker.container().bootstrapServers();
    }
}
