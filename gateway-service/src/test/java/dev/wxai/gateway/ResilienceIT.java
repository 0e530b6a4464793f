package dev.wxai.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wxai.testsupport.ServiceProcess;
import dev.wxai.testsupport.TestRedis;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Upstreams that fail: fast fallbacks that never say success to WeChat, reads retried, writes not; CORS. */
class ResilienceIT {

    @Nested
    @SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
    class UpstreamsDown {

        @LocalServerPort
        int port;

        WebTestClient client;

        @DynamicPropertySource
        static void wiring(DynamicPropertyRegistry registry) {
            int nothingListens = ServiceProcess.freePorts(1)[0];
            registry.add("spring.data.redis.url", TestRedis::url);
            registry.add("wxai.gateway.ingress-uris", () -> "http://127.0.0.1:" + nothingListens);
            registry.add("wxai.gateway.order-uris", () -> "http://127.0.0.1:" + nothingListens);
            // Held 1 s here instead of past WeChat's 5 s, to keep the test short.
            registry.add("wxai.gateway.wechat-hold", () -> "1s");
        }

        @BeforeEach
        void connect() {
            client = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).build();
        }

        @Autowired
        CircuitBreakerRegistry breakers;

        /**
         * No ingress to ask: WeChat's delivery is held (its own time-out then brings the next delivery, where a quick
         * failure would be retried at once and, after the third, shown to the user), then answered 503, never
         * success. The breaker opens, and with it open the fallback holds too. The URL check is answered at once.
         */
        @Test
        void wechatIsHeldThenGetsAFailureNeverSuccessAndTheBreakerOpens() {
            // resilience4j.circuitbreaker.configs.default: at least 10 calls, half of them failed.
            for (int i = 0; i < 10; i++) {
                assertHeldThenUnavailable();
            }

            assertThat(breakers.circuitBreaker("ingress").getState()).isEqualTo(CircuitBreaker.State.OPEN);
            assertHeldThenUnavailable();
            long start = System.nanoTime();
            client.get().uri("/wechat?signature=s&timestamp=1&nonce=2&echostr=e").exchange()
                    .expectStatus().isEqualTo(503).expectBody(String.class).isEqualTo("ingress unavailable");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(900));
        }

        private void assertHeldThenUnavailable() {
            long start = System.nanoTime();
            client.post().uri("/wechat?signature=s&timestamp=1&nonce=2&openid=o" + UUID.randomUUID().toString().replace("-", ""))
                    .contentType(MediaType.TEXT_XML).bodyValue("<xml/>").exchange()
                    .expectStatus().isEqualTo(503)
                    .expectHeader().contentType("text/plain;charset=UTF-8")
                    .expectHeader().exists("X-Request-Id")
                    .expectBody(String.class).isEqualTo("ingress unavailable");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(950), Duration.ofSeconds(3));
        }

        @Test
        void apiClientsAndWechatPayGet503InTheirFormats() {
            client.get().uri("/api/products").header("X-Forwarded-For", "10.9.8.7").exchange()
                    .expectStatus().isEqualTo(503).expectBody().jsonPath("$.error").isEqualTo("upstream_unavailable");
            client.post().uri("/pay/notify").contentType(MediaType.APPLICATION_JSON).bodyValue("{}").exchange()
                    .expectStatus().isEqualTo(503).expectBody().jsonPath("$.code").isEqualTo("FAIL");
        }
    }

    @Nested
    @SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
    class FlakyUpstream {

        @RegisterExtension

        static final Upstream UPSTREAM = new Upstream();

        @LocalServerPort
        int port;

        WebTestClient client;

        @DynamicPropertySource
        static void wiring(DynamicPropertyRegistry registry) {
            registry.add("spring.data.redis.url", TestRedis::url);
            registry.add("wxai.gateway.ingress-uris", UPSTREAM::uri);
            registry.add("wxai.gateway.order-uris", UPSTREAM::uri);
            UPSTREAM.checkedOnItsManagementPort(registry);
            registry.add("wxai.gateway.web-origins", () -> "https://shop.example.com");
        }

        @BeforeEach
        void connect() {
            client = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).build();
        }

        @Test
        void aReadIsRetriedThroughTwoServerErrors() {
            String path = "/api/flaky-" + UUID.randomUUID();
            client.get().uri(path).header("X-Forwarded-For", "10.1.2.3").exchange().expectStatus().isOk();
            assertThat(UPSTREAM.hits(path)).isEqualTo(3);
        }

        @Test
        void aWriteIsNotRepeated() {
            String path = "/api/flaky-" + UUID.randomUUID();
            client.post().uri(path).header("X-Forwarded-For", "10.1.2.4").contentType(MediaType.APPLICATION_JSON)
                    .bodyValue("{}").exchange().expectStatus().isEqualTo(500);
            assertThat(UPSTREAM.hits(path)).isEqualTo(1);
        }

        @Test
        void corsAnswersOnlyTheConfiguredOrigins() {
            client.options().uri("/api/products").header("Origin", "https://shop.example.com")
                    .header("Access-Control-Request-Method", "POST").exchange()
                    .expectStatus().isOk()
                    .expectHeader().valueEquals("Access-Control-Allow-Origin", "https://shop.example.com");
            client.options().uri("/api/products").header("Origin", "https://evil.example.net")
                    .header("Access-Control-Request-Method", "POST").exchange()
                    .expectStatus().isForbidden();
        }
    }
}
