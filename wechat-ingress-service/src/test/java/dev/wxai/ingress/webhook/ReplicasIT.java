package dev.wxai.ingress.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wxai.common.event.Topics;
import dev.wxai.common.redis.PassiveAnswers;
import dev.wxai.common.wechat.InboundXml;
import dev.wxai.common.wechat.Utf8Chunks;
import dev.wxai.testsupport.KafkaBroker;
import dev.wxai.testsupport.TestRedis;
import dev.wxai.testsupport.TopicSnapshot;
import dev.wxai.testsupport.WechatRequests;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Mono;

/** WeChat's three deliveries of one message, spread over two replicas, in both reply modes. */
class ReplicasIT {

    private static final String TOKEN = TwoReplicas.TOKEN;

    /** The worker's side of passive mode, through the same hand-over the worker uses. */
    private static final PassiveAnswers WORKER = new PassiveAnswers(TestRedis.template(), Duration.ofMinutes(5));

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class PushMode {

        TwoReplicas replicas;

        @BeforeAll
        void start() {
            replicas = new TwoReplicas("wxreplicaspush", Map.of("wxai.wechat.reply-mode", "push"));
        }

        @AfterAll
        void stop() {
            replicas.close();
        }

        @Test
        void threeDeliveriesAcrossTwoReplicasArePublishedOnce() {
            String openid = WechatRequests.newOpenid();
            String msgId = WechatRequests.newMsgId();
            String xml = WechatRequests.textXml(openid, msgId, "spread across replicas");

            for (int replica : new int[] {0, 1, 0}) {
                post(replicas.replica(replica), openid, xml).expectStatus().isOk()
                        .expectBody(String.class).isEqualTo("success");
            }

            assertThat(recordsOf(msgId)).isEqualTo(1);
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class PassiveMode {

        TwoReplicas replicas;

        @BeforeAll
        void start() {
            replicas = new TwoReplicas("wxreplicaspassive", Map.of(
                    "wxai.wechat.reply-mode", "passive",
                    "wxai.ingress.answer-within", "1500ms",
                    "wxai.ingress.hold", "2s",
                    "wxai.ingress.passive-reply-max-bytes", "300"));
        }

        @AfterAll
        void stop() {
            replicas.close();
        }

        @Test
        void anAnswerThatArrivesWhileTheDeliveryWaitsIsThePassiveReply() {
            String openid = WechatRequests.newOpenid();
            String msgId = WechatRequests.newMsgId();
            Mono.delay(Duration.ofMillis(400)).then(WORKER.store(msgId, "答案就在这里")).subscribe();

            String reply = post(replicas.replica(0), openid, WechatRequests.textXml(openid, msgId, "问题"))
                    .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();

            assertThat(InboundXml.parse(reply)).containsEntry("Content", "答案就在这里").containsEntry("ToUserName", openid);
            assertThat(recordsOf(msgId)).isEqualTo(1);
        }

        @Test
        void aRetryOnTheOtherReplicaGetsTheAnswerWithoutASecondPublish() {
            String openid = WechatRequests.newOpenid();
            String msgId = WechatRequests.newMsgId();
            String xml = WechatRequests.textXml(openid, msgId, "slow question");

            // First delivery: no answer within its time, so it is held past the deadline: WeChat delivers again.
            held(post(replicas.replica(0), openid, xml));
            WORKER.store(msgId, "the slow answer").block();
            String reply = post(replicas.replica(1), openid, xml)
                    .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();

            assertThat(InboundXml.parse(reply)).containsEntry("Content", "the slow answer");
            assertThat(recordsOf(msgId)).isEqualTo(1);
        }

        @Test
        void theLastDeliveryWithoutAnAnswerOwesItToTheUsersNextMessage() {
            String openid = WechatRequests.newOpenid();
            String msgId = WechatRequests.newMsgId();
            String xml = WechatRequests.textXml(openid, msgId, "very slow question");

            held(post(replicas.replica(0), openid, xml));
            held(post(replicas.replica(1), openid, xml));
            String third = post(replicas.replica(0), openid, xml)
                    .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
            assertThat(InboundXml.parse(third).get("Content")).contains("还在思考");

            WORKER.store(msgId, "worth the wait").block();
            String nextMsgId = WechatRequests.newMsgId();
            String collected = post(replicas.replica(1), openid, WechatRequests.textXml(openid, nextMsgId, "好了吗"))
                    .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();

            assertThat(InboundXml.parse(collected)).containsEntry("Content", "worth the wait");
            assertThat(recordsOf(msgId)).isEqualTo(1);
            assertThat(recordsOf(nextMsgId)).as("the collecting message is not sent to the AI").isZero();
        }

        @Test
        void aLongAnswerIsSplitOnCharacterBoundariesAndContinuesOnTheNextMessage() {
            String openid = WechatRequests.newOpenid();
            String msgId = WechatRequests.newMsgId();
            String answer = "大语言模型是一种深度学习模型。".repeat(30);
            WORKER.store(msgId, answer).block();

            String first = InboundXml.parse(post(replicas.replica(0), openid, WechatRequests.textXml(openid, msgId, "讲讲"))
                    .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody()).get("Content");
            StringBuilder collected = new StringBuilder(first.replace("\n（回复任意内容继续）", ""));
            for (int piece = 0; piece < 10 && first.endsWith("（回复任意内容继续）"); piece++) {
                first = InboundXml.parse(post(replicas.replica(piece % 2), openid,
                                WechatRequests.textXml(openid, WechatRequests.newMsgId(), "继续"))
                        .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody()).get("Content");
                assertThat(Utf8Chunks.byteLength(first)).isLessThanOrEqualTo(300);
                collected.append(first.replace("\n（回复任意内容继续）", ""));
            }

            assertThat(collected.toString()).isEqualTo(answer);
        }
    }

    /** Ended by the hold (2 s here) and marked as such: WeChat, which hangs up after 5 s, would deliver again. */
    private static void held(WebTestClient.ResponseSpec delivery) {
        delivery.expectStatus().isEqualTo(503).expectHeader().valueEquals(ReplyRenderer.HELD_HEADER, "true")
                .expectBody().jsonPath("$.error").isEqualTo("held");
    }

    private static WebTestClient.ResponseSpec post(WebTestClient client, String openid, String xml) {
        return client.post().uri("/wechat?" + WechatRequests.signedQuery(TOKEN, openid))
                .contentType(MediaType.TEXT_XML).bodyValue(xml).exchange();
    }

    private static long recordsOf(String msgId) {
        return TopicSnapshot.read(KafkaBroker.embedded().bootstrapServers(), Topics.INBOUND,
                record -> record.value().contains("\"msgId\":\"" + msgId + "\"")).size();
    }
}
