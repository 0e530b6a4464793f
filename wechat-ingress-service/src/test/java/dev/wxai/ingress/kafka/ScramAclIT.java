package dev.wxai.ingress.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wxai.common.event.Topics;
import dev.wxai.testsupport.ScramBroker;
import dev.wxai.testsupport.TestRedis;
import dev.wxai.testsupport.WechatRequests;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Production's Kafka in small: the ingress signs in as its own SCRAM user through the same WXAI_KAFKA_* settings as
 * the prod overlay, with the ACLs of k8s/overlays/prod/kafka-users.yaml (write wechat.inbound, nothing else). It still
 * starts, is ready and publishes; the same user cannot forge order events.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ScramAclIT {

    static final String TOKEN = "it-token";
    static final String APP_ID = "wxscramaclit";
    static final String USER = "wxai-ingress";
    static final String PASSWORD = "ingress-it-password-7d3f";
    static final ScramBroker BROKER = ScramBroker.start(Topics.INBOUND, Topics.ORDER_EVENTS)
            .user(USER, PASSWORD)
            .allow(USER, ResourceType.TOPIC, Topics.INBOUND, AclOperation.DESCRIBE, AclOperation.WRITE);

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        BROKER.clientProperties(USER, PASSWORD).forEach((key, value) -> registry.add(key, () -> value));
        registry.add("spring.data.redis.url", TestRedis::url);
        registry.add("wxai.wechat.token", () -> TOKEN);
        registry.add("wxai.wechat.app-id", () -> APP_ID);
    }

    @AfterAll
    static void stopBroker() {
        BROKER.close();
    }

    @Test
    void theIngressPublishesAsItsOwnUserAndThatUserCannotWriteOrderEvents() {
        WebTestClient client = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).build();
        String openid = WechatRequests.newOpenid();
        String msgId = WechatRequests.newMsgId();

        client.post().uri("/wechat?" + WechatRequests.signedQuery(TOKEN, openid))
                .contentType(MediaType.TEXT_XML)
                .bodyValue(WechatRequests.textXml(openid, msgId, "through SCRAM and ACLs"))
                .exchange().expectStatus().isOk().expectBody(String.class).isEqualTo("success");

        assertThat(BROKER.read(Topics.INBOUND)).anySatisfy(record -> {
            assertThat(record.key()).isEqualTo(openid);
            assertThat(record.value()).contains(msgId);
        });
        assertThat(BROKER.sendAs(USER, PASSWORD, Topics.ORDER_EVENTS, openid, "{\"type\":\"ORDER_PAID\"}"))
                .isInstanceOf(TopicAuthorizationException.class);
        assertThat(BROKER.sendAs(USER, "a-wrong-password", Topics.INBOUND, openid, "forged"))
                .as("a wrong password is refused").isNotNull();
    }
}
