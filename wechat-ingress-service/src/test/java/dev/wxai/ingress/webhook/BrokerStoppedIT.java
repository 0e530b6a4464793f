package dev.wxai.ingress.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wxai.common.redis.Keys;
import dev.wxai.testsupport.StoppableBroker;
import dev.wxai.testsupport.TestRedis;
import dev.wxai.testsupport.WechatRequests;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * With the broker gone, nothing unqueued is acknowledged: deliveries 1 and 2 keep trying to publish for their hold and
 * end in silence past it (WeChat delivers again), the last one fails within WeChat's deadline, counted. Never
 * {@code success}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class BrokerStoppedIT {

    static final String TOKEN = "it-token";
    static final String APP_ID = "wxbrokerstoppedit";
    static final StoppableBroker BROKER = StoppableBroker.start();

    @LocalServerPort
    int port;

    /** Probes ask the management port; the webhook's port serves no actuator. */
    @LocalManagementPort
    int managementPort;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", BROKER::bootstrapServers);
        registry.add("spring.data.redis.url", TestRedis::url);
        registry.add("wxai.wechat.token", () -> TOKEN);
        registry.add("wxai.wechat.app-id", () -> APP_ID);
        registry.add("wxai.ingress.hold", () -> "2s");
        registry.add("wxai.ingress.answer-within", () -> "1s");
    }

    @AfterAll
    static void cleanUp() {
        BROKER.close();
    }

    @Test
    void stoppedBrokerMeansNoSuccessAndTheRetryMayPublish() {
        WebTestClient client = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).build();
        String openid = WechatRequests.newOpenid();
        WebTestClient probes = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + managementPort).build();
        post(client, openid, WechatRequests.newMsgId()).expectStatus().isOk().expectBody(String.class).isEqualTo("success");
        client.get().uri("/actuator/health").exchange().expectStatus().isNotFound();
        probes.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk();

        BROKER.stop();
        String msgId = WechatRequests.newMsgId();

        for (int delivery = 1; delivery <= 2; delivery++) {
            long started = System.nanoTime();
            post(client, openid, msgId)
                    .expectStatus().isEqualTo(503)
                    .expectHeader().valueEquals(ReplyRenderer.HELD_HEADER, "true")
                    .expectBody(String.class).value(body -> assertThat(body).doesNotContain("success"));
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("held, publishing all along, for the whole hold")
                    .isGreaterThanOrEqualTo(Duration.ofMillis(1900));
            // The claim was released, so WeChat's next delivery publishes afresh.
            assertThat(TestRedis.template().hasKey(Keys.dedupe(APP_ID, msgId)).block()).isFalse();
        }
        long started = System.nanoTime();
        post(client, openid, msgId)
                .expectStatus().isEqualTo(503)
                .expectHeader().doesNotExist(ReplyRenderer.HELD_HEADER)
                .expectBody().jsonPath("$.error").isEqualTo("unavailable");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("the last delivery answers inside WeChat's 5 s")
                .isLessThan(Duration.ofMillis(2500));
        probes.get().uri("/actuator/prometheus").exchange().expectStatus().isOk().expectBody(String.class)
                .value(metrics -> assertThat(metrics)
                        .contains("wxai_ingress_unpublished_total{application=\"wechat-ingress-service\"} 1.0")
                        .contains("wxai_ingress_holds_total{application=\"wechat-ingress-service\",reason=\"not_published\"} 2.0"));
        // Out of rotation while the broker is away, but alive: nothing should restart the pod.
        probes.get().uri("/actuator/health/readiness").exchange().expectStatus().isEqualTo(503)
                .expectBody().jsonPath("$.components.kafka.status").isEqualTo("DOWN");
        probes.get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();
    }

    private static WebTestClient.ResponseSpec post(WebTestClient client, String openid, String msgId) {
        return client.mutate().responseTimeout(Duration.ofSeconds(10)).build().post().uri("/wechat?" + WechatRequests.signedQuery(TOKEN, openid))
                .contentType(MediaType.TEXT_XML)
                .bodyValue(WechatRequests.textXml(openid, msgId, "is anyone there"))
                .exchange();
    }
}
