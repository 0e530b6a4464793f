package dev.wxai.ingress.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wxai.common.event.Topics;
import dev.wxai.common.redis.Keys;
import dev.wxai.testsupport.TestRedis;
import dev.wxai.testsupport.TopicSnapshot;
import dev.wxai.testsupport.WechatRequests;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * What the webhook promises WeChat, run against a real broker and the real Redis. Subclasses choose the broker
 * (in-JVM KRaft, or a container where Docker exists).
 */
abstract class WebhookContract {

    static final String TOKEN = "it-token";
    static final String APP_ID = "wxingressit";

    @LocalServerPort
    int port;

    WebTestClient client;

    abstract String bootstrapServers();

    @BeforeEach
    void connect() {
        client = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).build();
    }

    @Test
    void signedTextMessageIsPublishedKeyedByOpenidBeforeSuccess() {
        String openid = WechatRequests.newOpenid();
        String msgId = WechatRequests.newMsgId();

        post(WechatRequests.signedQuery(TOKEN, openid), WechatRequests.textXml(openid, msgId, "你好"))
                .expectStatus().isOk().expectBody(String.class).isEqualTo("success");

        // success was sent only after the broker acked, so the record is there already: no waiting.
        List<ConsumerRecord<String, String>> records = recordsOf(msgId);
        assertThat(records).hasSize(1);
        assertThat(records.get(0).key()).isEqualTo(openid);
        assertThat(records.get(0).value())
                .contains("\"v\":1", "\"openid\":\"" + openid + "\"", "\"content\":\"你好\"", "\"kind\":\"text\"",
                        "\"appId\":\"" + APP_ID + "\"", "\"replyMode\":\"push\"");
    }

    @Test
    void wechatRetriesOfOneMessageArePublishedOnce() {
        String openid = WechatRequests.newOpenid();
        String msgId = WechatRequests.newMsgId();
        String xml = WechatRequests.textXml(openid, msgId, "retry me");

        for (int delivery = 0; delivery < 3; delivery++) {
            post(WechatRequests.signedQuery(TOKEN, openid), xml).expectStatus().isOk()
                    .expectBody(String.class).isEqualTo("success");
        }

        assertThat(recordsOf(msgId)).hasSize(1);
    }

    @Test
    void wrongSignatureIsRefusedAndChangesNothing() {
        String openid = WechatRequests.newOpenid();
        String msgId = WechatRequests.newMsgId();

        post(WechatRequests.signedQuery("not-our-token", openid), WechatRequests.textXml(openid, msgId, "forged"))
                .expectStatus().isForbidden()
                .expectBody().jsonPath("$.error").isEqualTo("invalid_signature");

        assertThat(recordsOf(msgId)).isEmpty();
        assertThat(TestRedis.template().hasKey(Keys.dedupe(APP_ID, msgId)).block()).isFalse();
    }

    @Test
    void malformedXmlIsRefusedWithAReasonAndChangesNothing() {
        String openid = WechatRequests.newOpenid();

        post(WechatRequests.signedQuery(TOKEN, openid), "<xml><MsgType>text</MsgType><Content>hi</xml>")
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error").isEqualTo("malformed_message");
        post(WechatRequests.signedQuery(TOKEN, openid),
                "<!DOCTYPE xml [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><xml><Content>&x;</Content></xml>")
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.message").value(message -> assertThat((String) message).contains("DOCTYPE"));
    }

    @Test
    void openidThatDisagreesWithTheBodyIsRefused() {
        String msgId = WechatRequests.newMsgId();

        post(WechatRequests.signedQuery(TOKEN, WechatRequests.newOpenid()),
                WechatRequests.textXml(WechatRequests.newOpenid(), msgId, "hi"))
                .expectStatus().isBadRequest();
        assertThat(recordsOf(msgId)).isEmpty();
    }

    @Test
    void urlVerificationEchoesOnlyForTheRightSignature() {
        String query = WechatRequests.signedQuery(TOKEN, "ignored");
        client.get().uri("/wechat?" + query + "&echostr=echo-123").exchange()
                .expectStatus().isOk().expectBody(String.class).isEqualTo("echo-123");
        client.get().uri("/wechat?" + WechatRequests.signedQuery("wrong", "ignored") + "&echostr=echo-123").exchange()
                .expectStatus().isForbidden();
    }

    @Test
    void bodyOverTheLimitIsRefused() {
        String openid = WechatRequests.newOpenid();
        String huge = WechatRequests.textXml(openid, WechatRequests.newMsgId(), "x".repeat(200 * 1024));

        post(WechatRequests.signedQuery(TOKEN, openid), huge).expectStatus().isEqualTo(413);
    }

    private WebTestClient.ResponseSpec post(String query, String body) {
        return client.post().uri("/wechat?" + query).contentType(MediaType.TEXT_XML).bodyValue(body).exchange();
    }

    private List<ConsumerRecord<String, String>> recordsOf(String msgId) {
        return TopicSnapshot.read(bootstrapServers(), Topics.INBOUND,
                record -> record.value().contains("\"msgId\":\"" + msgId + "\""));
    }
}
