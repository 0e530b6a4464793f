package dev.wxai.ingress.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wxai.common.redis.Keys;
import dev.wxai.testsupport.TestRedis;
import dev.wxai.testsupport.WechatRequests;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/** With no broker to take the record, WeChat must see a failure (and retry), never {@code success}. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class WebhookWithoutBrokerIT {

    static final String TOKEN = "it-token";
    static final String APP_ID = "wxnobrokerit";

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        int brokerPort = closedPort;
        registry.add("spring.kafka.bootstrap-servers", () -> "127.0.0.1:" + brokerPort);
        registry.add("spring.kafka.admin.auto-create", () -> "false");
        registry.add("spring.data.redis.url", TestRedis::url);
        registry.add("wxai.wechat.token", () -> TOKEN);
        registry.add("wxai.wechat.app-id", () -> APP_ID);
    }

    @Test
    void brokerDownMeansNoSuccessAndTheRetryMayPublish() {
        String openid = WechatRequests.newOpenid();
        String msgId = WechatRequests.newMsgId();

        WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).build()
                .post().uri("/wechat?" + WechatRequests.signedQuery(TOKEN, openid))
                .contentType(MediaType.TEXT_XML)
                .bodyValue(WechatRequests.textXml(openid, msgId, "is anyone there"))
                .exchange()
                .expectStatus().isEqualTo(503)
                .expectBody(String.class).value(body -> assertThat(body).doesNotContain("success"));

        // The claim was released, so WeChat's next delivery is treated as new and published.
        assertThat(TestRedis.template().hasKey(Keys.dedupe(APP_ID, msgId)).block()).isFalse();
    }
}
