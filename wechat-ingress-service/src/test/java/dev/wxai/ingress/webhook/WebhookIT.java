package dev.wxai.ingress.webhook;

import dev.wxai.testsupport.KafkaBroker;
import dev.wxai.testsupport.TestRedis;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The webhook contract on the in-JVM KRaft broker. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class WebhookIT extends WebhookContract {

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", () -> KafkaBroker.embedded().bootstrapServers());
        registry.add("spring.data.redis.url", TestRedis::url);
        registry.add("wxai.wechat.token", () -> TOKEN);
        registry.add("wxai.wechat.app-id", () -> APP_ID);
    }

    @Override
    String bootstrapServers() {
        return KafkaBroker.embedded().bootstrapServers();
    }
}
