package dev.wxai.ingress.webhook;

import dev.wxai.testsupport.KafkaBroker;
import dev.wxai.testsupport.TestRedis;
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
        registry.add("spring.kafka.bootstrap-servers", () -> KafkaBroker.container().bootstrapServers());
        registry.add("spring.data.redis.url", TestRedis::url);
        registry.add("wxai.wechat.token", () -> TOKEN);
        registry.add("wxai.wechat.app-id", () -> APP_ID);
    }

    @Override
    String bootstrapServers() {
        return KafkaBroker.container().bootstrapServers();
    }
}
