package dev.wxai.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.wxai.testsupport.TestRedis;
import dev.wxai.testsupport.WechatRequests;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Two ingress instances share /wechat; one that stops being ready (as a service does first when it shuts down) leaves
 * the rotation instead of failing every other request.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class LoadBalancingIT {

    @RegisterExtension

    static final Upstream FIRST = new Upstream();
    /** Another address, the same management port: a second pod of the same Deployment. */
    @RegisterExtension
    static final Upstream SECOND = new Upstream("127.0.0.2", FIRST.managementPort());

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void wiring(DynamicPropertyRegistry registry) {
        registry.add("spring.data.redis.url", TestRedis::url);
        registry.add("wxai.gateway.ingress-uris", () -> FIRST.uri() + "," + SECOND.uri());
        registry.add("wxai.gateway.order-uris", FIRST::uri);
        FIRST.checkedOnItsManagementPort(registry);
        registry.add("spring.cloud.loadbalancer.health-check.interval", () -> "500ms");
    }

    @Test
    void requestsAreSharedAndAStoppedInstanceLeavesTheRotation() {
        WebTestClient client = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).build();

        List<Integer> statuses = send(client, 20);

        assertThat(statuses).containsOnly(200);
        // Round-robin; the very first requests may see one instance while the first readiness checks finish.
        assertThat(FIRST.hits("/wechat") + SECOND.hits("/wechat")).isEqualTo(20);
        assertThat(FIRST.hits("/wechat")).isBetween(8, 12);

        SECOND.markUnready();
        // Within a few readiness-check intervals every request goes to the instance that is left.
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                .until(() -> send(client, 4).stream().allMatch(status -> status == 200));
        int before = FIRST.hits("/wechat");
        assertThat(send(client, 10)).containsOnly(200);
        assertThat(FIRST.hits("/wechat")).isEqualTo(before + 10);
    }

    private static List<Integer> send(WebTestClient client, int count) {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            statuses.add(client.post().uri("/wechat?signature=s&timestamp=1&nonce=2&openid=" + WechatRequests.newOpenid())
                    .contentType(MediaType.TEXT_XML).bodyValue("<xml/>").exchange()
                    .returnResult(Void.class).getStatus().value());
        }
        return statuses;
    }
}
