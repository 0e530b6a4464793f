package dev.wxai.ingress.webhook;

import dev.wxai.ingress.IngressApplication;
import dev.wxai.testsupport.KafkaBroker;
import dev.wxai.testsupport.TestRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Two ingress replicas in one JVM, sharing one broker and one Redis, like two pods behind a load balancer.
 * WeChat's deliveries of one message may land on either.
 */
final class TwoReplicas implements AutoCloseable {

    static final String TOKEN = "replica-token";

    private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();
    private final List<WebTestClient> clients = new ArrayList<>();

    TwoReplicas(String appId, Map<String, Object> extra) {
        for (int i = 0; i < 2; i++) {
            Map<String, Object> properties = new java.util.HashMap<>(Map.of(
                    "server.port", 0,
                    // Two replicas in one JVM: each its own management port, as each pod has its own address.
                    "management.server.port", 0,
                    "spring.kafka.bootstrap-servers", KafkaBroker.embedded().bootstrapServers(),
                    "spring.data.redis.url", TestRedis.url(),
                    "wxai.wechat.token", TOKEN,
                    "wxai.wechat.app-id", appId,
                    "spring.application.name", "ingress-replica-" + i));
            properties.putAll(extra);
            // As command-line arguments: SpringApplicationBuilder.properties() would lose to application.yml.
            String[] args = properties.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue())
                    .toArray(String[]::new);
            ConfigurableApplicationContext context = new SpringApplicationBuilder(IngressApplication.class).run(args);
            contexts.add(context);
            clients.add(WebTestClient.bindToServer()
                    .baseUrl("http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port"))
                    .responseTimeout(Duration.ofSeconds(15))
                    .build());
        }
    }

    WebTestClient replica(int index) {
        return clients.get(index);
    }

    @Override
    public void close() {
        contexts.forEach(ConfigurableApplicationContext::close);
    }
}
