package dev.wxai.ingress.webhook;

import dev.wxai.testsupport.KafkaBroker;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The webhook contract on the in-JVM KRaft broker. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class WebhookIT extends WebhookContract {

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        register(registry, () -> KafkaBroker.embedded().bootstrapServers());
    }

    @Override
    String bootstrapServers() {
        return KafkaBroker.embedded().bootstrapServers();
    }
}
