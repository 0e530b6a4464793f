package dev.wxai.ingress.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wxai.common.event.Topics;
import dev.wxai.common.redis.Keys;
import dev.wxai.testsupport.TestRedis;
import dev.wxai.testsupport.TopicSnapshot;
import dev.wxai.testsupport.WechatRequests;
import dev.wxai.common.wechat.InboundXml;
import dev.wxai.common.wechat.MessageCrypto;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.test.context.DynamicPropertyRegistry;
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
    static final String AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
    static final MessageCrypto WECHAT_SIDE_CRYPTO = new MessageCrypto(APP_ID, AES_KEY, null);

    /** The configuration both broker variants share; only the bootstrap servers differ. */
    static void register(DynamicPropertyRegistry registry, Supplier<Object> bootstrapServers) {
        registry.add("spring.kafka.bootstrap-servers", bootstrapServers);
        registry.add("spring.data.redis.url", TestRedis::url);
        registry.add("wxai.wechat.token", () -> TOKEN);
        registry.add("wxai.wechat.app-id", () -> APP_ID);
        registry.add("wxai.wechat.aes-key", () -> AES_KEY);
        registry.add("wxai.ingress.event-replies[MENU_PRICE]", () -> "课程价格见菜单「课程」");
        // Five at once, then one a minute: a test that throttles a user cannot be undone by a slow machine's refill.
        registry.add("wxai.ingress.user-burst", () -> "5");
        registry.add("wxai.ingress.user-refill", () -> "60s");
    }

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
    void safeModeMessageIsDecryptedAndPublished() {
        String openid = WechatRequests.newOpenid();
        String msgId = WechatRequests.newMsgId();
        String encrypt = WECHAT_SIDE_CRYPTO.encrypt(WechatRequests.textXml(openid, msgId, "加密的问题"));

        post(WechatRequests.safeModeQuery(TOKEN, openid, encrypt), WechatRequests.safeModeXml(encrypt))
                .expectStatus().isOk().expectBody(String.class).isEqualTo("success");

        assertThat(recordsOf(msgId)).singleElement()
                .satisfies(record -> assertThat(record.value()).contains("\"content\":\"加密的问题\""));
    }

    @Test
    void compatibleModeUsesTheEncryptedCopy() {
        String openid = WechatRequests.newOpenid();
        String msgId = WechatRequests.newMsgId();
        String encrypt = WECHAT_SIDE_CRYPTO.encrypt(WechatRequests.textXml(openid, msgId, "the real text"));
        String compatible = WechatRequests.textXml(openid, msgId, "the real text")
                .replace("</xml>", "<Encrypt><![CDATA[" + encrypt + "]]></Encrypt></xml>");

        post(WechatRequests.safeModeQuery(TOKEN, openid, encrypt), compatible).expectStatus().isOk();

        assertThat(recordsOf(msgId)).hasSize(1);
    }

    @Test
    void safeModeBodiesThatDoNotOpenAreRefusedAndChangeNothing() {
        String openid = WechatRequests.newOpenid();
        String msgId = WechatRequests.newMsgId();
        String encrypt = WECHAT_SIDE_CRYPTO.encrypt(WechatRequests.textXml(openid, msgId, "x"));
        String forOtherApp = new MessageCrypto("wxsomeoneelse", AES_KEY, null)
                .encrypt(WechatRequests.textXml(openid, msgId, "x"));

        String signedForAnotherBody = WechatRequests.safeModeQuery(TOKEN, openid, forOtherApp);
        post(signedForAnotherBody, WechatRequests.safeModeXml(encrypt))
                .expectStatus().isForbidden()
                .expectBody().jsonPath("$.error").isEqualTo("invalid_msg_signature");
        post(WechatRequests.safeModeQuery(TOKEN, openid, "%%%"), WechatRequests.safeModeXml("%%%"))
                .expectStatus().isBadRequest().expectBody().jsonPath("$.error").isEqualTo("undecryptable");
        post(WechatRequests.safeModeQuery(TOKEN, openid, forOtherApp), WechatRequests.safeModeXml(forOtherApp))
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.message").value(message -> assertThat((String) message).contains("appid"));

        assertThat(recordsOf(msgId)).isEmpty();
        assertThat(TestRedis.template().hasKey(Keys.dedupe(APP_ID, msgId)).block()).isFalse();
    }

    @Test
    void staleTimestampIsRefusedEvenWithAValidSignature() {
        String openid = WechatRequests.newOpenid();
        String msgId = WechatRequests.newMsgId();
        long anHourAgo = System.currentTimeMillis() / 1000 - 3600;

        post(WechatRequests.signedQuery(TOKEN, openid, anHourAgo), WechatRequests.textXml(openid, msgId, "replayed"))
                .expectStatus().isForbidden()
                .expectBody().jsonPath("$.error").isEqualTo("stale_timestamp");
        assertThat(recordsOf(msgId)).isEmpty();
    }

    @Test
    void newFollowerGetsTheWelcomeWithoutTheAi() {
        String openid = WechatRequests.newOpenid();

        String reply = post(WechatRequests.signedQuery(TOKEN, openid), WechatRequests.eventXml(openid, "subscribe", null))
                .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();

        assertThat(InboundXml.parse(reply))
                .containsEntry("ToUserName", openid)
                .containsEntry("FromUserName", "gh_test")
                .containsEntry("MsgType", "text")
                .hasEntrySatisfying("Content", content -> assertThat(content).contains("欢迎关注"));
        assertThat(recordsFor(openid)).isEmpty();
    }

    @Test
    void safeModeRepliesAreEncryptedAndSigned() {
        String openid = WechatRequests.newOpenid();
        String encrypt = WECHAT_SIDE_CRYPTO.encrypt(WechatRequests.eventXml(openid, "subscribe", "qrscene_42"));

        String reply = post(WechatRequests.safeModeQuery(TOKEN, openid, encrypt), WechatRequests.safeModeXml(encrypt))
                .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();

        Map<String, String> wrapper = InboundXml.parse(reply);
        assertThat(wrapper.get("MsgSignature")).isEqualTo(WechatRequests.sha1Sorted(
                TOKEN, wrapper.get("TimeStamp"), wrapper.get("Nonce"), wrapper.get("Encrypt")));
        assertThat(InboundXml.parse(WECHAT_SIDE_CRYPTO.decrypt(wrapper.get("Encrypt"))))
                .containsEntry("ToUserName", openid)
                .hasEntrySatisfying("Content", content -> assertThat(content).contains("欢迎关注"));
    }

    @Test
    void menuClicksGetTheirConfiguredReplyAndResetClearsTheConversation() {
        String openid = WechatRequests.newOpenid();
        TestRedis.template().opsForValue().set(Keys.session(openid), "[earlier turns]").block();

        String price = post(WechatRequests.signedQuery(TOKEN, openid), WechatRequests.eventXml(openid, "CLICK", "MENU_PRICE"))
                .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
        String reset = post(WechatRequests.signedQuery(TOKEN, openid), WechatRequests.eventXml(openid, "CLICK", "RESET_CHAT"))
                .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();

        assertThat(InboundXml.parse(price)).containsEntry("Content", "课程价格见菜单「课程」");
        assertThat(InboundXml.parse(reset).get("Content")).contains("重新开始");
        assertThat(TestRedis.template().hasKey(Keys.session(openid)).block()).isFalse();
    }

    @Test
    void aTranscribedVoiceMessageIsPublishedAsItsTextAndAnUnheardOneIsAskedAgain() {
        String openid = WechatRequests.newOpenid();
        String heard = WechatRequests.newMsgId();

        post(WechatRequests.signedQuery(TOKEN, openid), WechatRequests.voiceXml(openid, heard, "什么是提示词工程？"))
                .expectStatus().isOk().expectBody(String.class).isEqualTo("success");
        assertThat(recordsOf(heard)).singleElement().satisfies(record -> assertThat(record.value())
                .contains("\"kind\":\"voice\"", "\"content\":\"什么是提示词工程？\""));

        String unheard = WechatRequests.newMsgId();
        String reply = post(WechatRequests.signedQuery(TOKEN, openid), WechatRequests.voiceXml(openid, unheard, ""))
                .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
        assertThat(InboundXml.parse(reply).get("Content")).contains("再说一遍");
        assertThat(recordsOf(unheard)).isEmpty();
    }

    @Test
    void mediaGetsAPoliteTextOnlyReplyAndUnknownKindsSuccess() {
        String openid = WechatRequests.newOpenid();
        String msgId = WechatRequests.newMsgId();

        String reply = post(WechatRequests.signedQuery(TOKEN, openid), WechatRequests.imageXml(openid, msgId))
                .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
        assertThat(InboundXml.parse(reply).get("Content")).contains("文字");

        post(WechatRequests.signedQuery(TOKEN, openid), WechatRequests.imageXml(openid, WechatRequests.newMsgId())
                .replace("[image]", "[hologram]"))
                .expectStatus().isOk().expectBody(String.class).isEqualTo("success");
        assertThat(recordsFor(openid)).isEmpty();
    }

    @Test
    void thirtyForgedRequestsNamingAUserCostNothingAndTheirOwnMessageStillGoesThrough() {
        String victim = WechatRequests.newOpenid();

        for (int i = 0; i < 30; i++) {
            post(WechatRequests.signedQuery("attacker-guess", victim), WechatRequests.textXml(victim, WechatRequests.newMsgId(), "spam"))
                    .expectStatus().isForbidden();
        }
        assertThat(userKeys(victim)).isEmpty();

        String msgId = WechatRequests.newMsgId();
        post(WechatRequests.signedQuery(TOKEN, victim), WechatRequests.textXml(victim, msgId, "我的问题"))
                .expectStatus().isOk().expectBody(String.class).isEqualTo("success");
        assertThat(recordsOf(msgId)).hasSize(1);
    }

    @Test
    void aSignedQueryReplayedWithAnotherBodyIsRefusedAndTheSameBodyIsARetry() {
        String openid = WechatRequests.newOpenid();
        String query = WechatRequests.signedQuery(TOKEN, openid);
        String original = WechatRequests.newMsgId();
        String forged = WechatRequests.newMsgId();

        // WeChat's retry carries the very same bytes (textXml stamps the current second, so build it once).
        String originalBody = WechatRequests.textXml(openid, original, "原来的问题");
        post(query, originalBody).expectStatus().isOk()
                .expectBody(String.class).isEqualTo("success");
        post(query, WechatRequests.textXml(openid, forged, "another question, same signature")).expectStatus().isForbidden()
                .expectBody().jsonPath("$.error").isEqualTo("replayed_signature");
        // The signature check ignores case: the same signed query in capitals is no new one.
        String signature = query.replaceAll(".*signature=([0-9a-f]+).*", "$1");
        post(query.replace(signature, signature.toUpperCase(java.util.Locale.ROOT)),
                WechatRequests.textXml(openid, forged, "and in upper case")).expectStatus().isForbidden();
        post(query, originalBody).expectStatus().isOk()
                .expectBody(String.class).isEqualTo("success");

        assertThat(recordsOf(original)).hasSize(1);
        assertThat(recordsOf(forged)).isEmpty();
    }

    @Test
    void randomAndOversizedOpenidsLeaveRedisUnchanged() {
        Set<String> before = appKeys();

        for (int i = 0; i < 20; i++) {
            String random = WechatRequests.newOpenid();
            post(WechatRequests.signedQuery("not-our-token", random), WechatRequests.textXml(random, WechatRequests.newMsgId(), "x"))
                    .expectStatus().isForbidden();
        }
        String oversized = "o" + "x".repeat(1999);
        post(WechatRequests.signedQuery(TOKEN, oversized), WechatRequests.textXml(oversized, WechatRequests.newMsgId(), "x"))
                .expectStatus().isBadRequest().expectBody().jsonPath("$.error").isEqualTo("invalid_openid");
        post(WechatRequests.signedQuery(TOKEN, "o%3Ckey%3E%2A"), WechatRequests.textXml("o<key>*", WechatRequests.newMsgId(), "x"))
                .expectStatus().isBadRequest().expectBody().jsonPath("$.error").isEqualTo("invalid_openid");

        assertThat(appKeys()).isEqualTo(before);
    }

    @Test
    void aUserOverTheRateIsToldToSlowDownAndNothingOfTheMessageIsKept() {
        String openid = WechatRequests.newOpenid();
        for (int i = 0; i < 5; i++) {
            post(WechatRequests.signedQuery(TOKEN, openid), WechatRequests.textXml(openid, WechatRequests.newMsgId(), "问题 " + i))
                    .expectStatus().isOk().expectBody(String.class).isEqualTo("success");
        }
        String msgId = WechatRequests.newMsgId();

        String reply = post(WechatRequests.signedQuery(TOKEN, openid), WechatRequests.textXml(openid, msgId, "第六个"))
                .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();

        assertThat(reply).contains("<ToUserName><![CDATA[" + openid + "]]></ToUserName>").contains("你发得太快啦");
        assertThat(recordsOf(msgId)).isEmpty();
        assertThat(TestRedis.template().hasKey(Keys.dedupe(APP_ID, msgId)).block()).isFalse();
        assertThat(recordsFor(openid)).hasSize(5);
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

    /** Every key the ingress keeps for this user. */
    private static List<String> userKeys(String openid) {
        return TestRedis.template().keys("wxai:*" + openid + "*").collectList().block();
    }

    private static Set<String> appKeys() {
        return new java.util.HashSet<>(TestRedis.template().keys("wxai:*" + APP_ID + "*").collectList().block());
    }

    private List<ConsumerRecord<String, String>> recordsFor(String openid) {
        return TopicSnapshot.read(bootstrapServers(), Topics.INBOUND, record -> openid.equals(record.key()));
    }

    private List<ConsumerRecord<String, String>> recordsOf(String msgId) {
        return TopicSnapshot.read(bootstrapServers(), Topics.INBOUND,
                record -> record.value().contains("\"msgId\":\"" + msgId + "\""));
    }
}
