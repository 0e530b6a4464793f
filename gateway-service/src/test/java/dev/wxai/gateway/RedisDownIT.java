package dev.wxai.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/** With Redis unreachable the limiter fails open: requests pass, the gateway stays ready, and it is counted. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RedisDownIT {

    @RegisterExtension

    static final Upstream UPSTREAM = new Upstream();

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    @Autowired
    MeterRegistry meters;

    @DynamicPropertySource
    static void wiring(DynamicPropertyRegistry registry) {
        registry.add("spring.data.redis.url", () -> "redis://127.0.0.1:1");
        registry.add("wxai.gateway.ingress-uris", UPSTREAM::uri);
        registry.add("wxai.gateway.order-uris", UPSTREAM::uri);
        UPSTREAM.checkedOnItsManagementPort(registry);
        // One request a minute: without Redis, every one of the five would be refused if it were enforced.
        registry.add("wxai.gateway.api.replenish-rate", () -> "1");
        registry.add("wxai.gateway.api.burst-capacity", () -> "60");
        registry.add("wxai.gateway.api.requested-tokens", () -> "60");
    }

    @Test
    void requestsStillPassWhenRedisIsDown() {
        WebTestClient client = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).build();

        for (int i = 0; i < 5; i++) {
            client.get().uri("/api/products").exchange().expectStatus().isOk();
        }

        assertThat(UPSTREAM.hits("/api/products")).isEqualTo(5);
        assertThat(meters.counter("wxai.gateway.ratelimit.failopen").count()).isGreaterThanOrEqualTo(5);
        WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + managementPort).responseTimeout(java.time.Duration.ofSeconds(30)).build()
                .get().uri("/actuator/health/readiness").exchange().expectStatus().isOk();
    }
}
