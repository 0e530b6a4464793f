package dev.wxai.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wxai.testsupport.ServiceProcess;
import dev.wxai.testsupport.TestRedis;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The actuator is not on the Internet's door: the public port refuses it, the management port (8180 by default; a
 * free one here) serves probes and metrics, and forwards nothing.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ManagementPortIT {

    @RegisterExtension

    static final Upstream UPSTREAM = new Upstream();

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    @DynamicPropertySource
    static void wiring(DynamicPropertyRegistry registry) {
        registry.add("spring.data.redis.url", TestRedis::url);
        registry.add("wxai.gateway.ingress-uris", UPSTREAM::uri);
        registry.add("wxai.gateway.order-uris", UPSTREAM::uri);
        UPSTREAM.checkedOnItsManagementPort(registry);
        // A fixed port, as in production (8180), not the random one tests get by default: Spring Cloud Gateway
        // refuses to route on the management port only when it knows the port.
        int managementPort = ServiceProcess.freePorts(1)[0];
        registry.add("management.server.port", () -> managementPort);
    }

    @Test
    void thePublicPortRefusesTheActuator() {
        WebTestClient publicPort = client(port);

        for (String endpoint : new String[] {"/actuator", "/actuator/health", "/actuator/health/readiness", "/actuator/prometheus",
                "/actuator/info"}) {
            publicPort.get().uri(endpoint).exchange().expectStatus().isNotFound();
        }
        assertThat(managementPort).isNotEqualTo(port);
    }

    @Test
    void theManagementPortServesProbesAndMetricsWithWechatTraffic() {
        client(port).post().uri("/wechat?signature=s&timestamp=1&nonce=2&openid=oManagementPort")
                .contentType(MediaType.TEXT_XML).bodyValue("<xml/>").exchange().expectStatus().isOk();
        WebTestClient management = client(managementPort);

        management.get().uri("/actuator/health").exchange().expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("UP");
        management.get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();
        management.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk();
        String metrics = management.get().uri("/actuator/prometheus").exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(metrics)
                .contains("wxai_gateway_wechat_requests_seconds_count{application=\"gateway-service\",status=\"200\"}")
                .contains("wxai_gateway_ratelimit_rejected_total{application=\"gateway-service\",route=\"api\"}")
                .containsPattern("resilience4j_circuitbreaker_state\\{[^}]*name=\"ingress\"");
    }

    @Test
    void theManagementPortForwardsNothing() {
        int before = UPSTREAM.hits("/wechat");

        client(managementPort).post().uri("/wechat?signature=s&timestamp=1&nonce=2&openid=oManagementPort")
                .contentType(MediaType.TEXT_XML).bodyValue("<xml/>").exchange().expectStatus().isNotFound();
        client(managementPort).get().uri("/api/products").exchange().expectStatus().isNotFound();

        assertThat(UPSTREAM.hits("/wechat")).isEqualTo(before);
        assertThat(UPSTREAM.hits("/api/products")).isZero();
    }

    /**
     * Generous time-outs: the management port's first request builds its own handler chain, which took over 5 s (the
     * default) on a loaded CI machine. This test is about where the actuator answers, not how fast.
     */
    private static WebTestClient client(int port) {
        return WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).responseTimeout(Duration.ofSeconds(30)).build();
    }
}
