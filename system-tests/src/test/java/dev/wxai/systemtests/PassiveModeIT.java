package dev.wxai.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.wxai.common.redis.Keys;
import dev.wxai.common.wechat.InboundXml;
import dev.wxai.common.wechat.MessageCrypto;
import dev.wxai.testsupport.SandboxClient;
import dev.wxai.testsupport.WechatRequests;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * An unverified subscription account: no customer-service API, so the answer must ride back on WeChat's own
 * delivery, encrypted in safe mode. Through the gateway, with the real worker producing the answer; then the same in
 * the chat page ({@link InTheChatPage}), on the same stack: one stack start (five JVMs, ~50 s) serves both.
 */
class PassiveModeIT {

    private static final String AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static Stack stack;
    private static SandboxClient sandbox;
    private static MessageCrypto wechatSide;

    @BeforeAll
    static void startEveryService() {
        // A safe-mode account refuses plaintext, as WeChat never sends it one: the way the chat page makes every
        // delivery fail.
        stack = new Stack("wxai_e2e_passive", Map.of(
                "wxai.wechat.reply-mode", "passive",
                "wxai.wechat.aes-key", AES_KEY,
                "wxai.wechat.require-encryption", "true"));
        sandbox = new SandboxClient(stack.sandbox());
        wechatSide = new MessageCrypto(stack.appId, AES_KEY, null);
    }

    @AfterAll
    static void stopEveryService() {
        stack.close();
    }

    @AfterEach
    void modelAnswersQuicklyAgain() {
        sandbox.modelLatency(Duration.ofMillis(100));
    }

    /**
     * WeChat's rules, played by the sandbox: no answer within 5 s means WeChat hangs up and delivers again. The first
     * delivery is held in silence (a failure status would be retried at once, and could be shown to the user), the
     * second carries the answer.
     */
    @Test
    void aSevenSecondAnswerRidesOnWechatsSecondDeliveryAndNoDeliveryFails() {
        sandbox.modelLatency(Duration.ofSeconds(7));
        String openid = WechatRequests.newOpenid();
        String question = "七秒的问题 " + UUID.randomUUID();

        JsonNode report = deliverAsWechat(openid, WechatRequests.newMsgId(), question);

        assertThat(report.path("outcome").asString()).isEqualTo("answered");
        assertThat(statuses(report)).as("the first delivery timed out, the second got the answer").containsExactly(0, 200);
        assertThat(report.path("deliveries").get(0).path("millis").asLong()).isGreaterThanOrEqualTo(5000);
        assertThat(replyContent(report)).isEqualTo(sandbox.modelAnswerTo(question));
    }

    /**
     * A 20 s answer outlasts all three deliveries: the first two are held, the third says "still thinking" inside
     * WeChat's 5 s, and the user's next message collects the answer.
     */
    @Test
    void aTwentySecondAnswerIsStillThinkingOnTheThirdDeliveryAndTheNextMessageCollectsIt() {
        sandbox.modelLatency(Duration.ofSeconds(20));
        String openid = WechatRequests.newOpenid();
        String question = "二十秒的问题 " + UUID.randomUUID();
        String msgId = WechatRequests.newMsgId();

        JsonNode report = deliverAsWechat(openid, msgId, question);

        assertThat(report.path("outcome").asString()).isEqualTo("answered");
        assertThat(statuses(report)).containsExactly(0, 0, 200);
        assertThat(report.path("deliveries").get(2).path("millis").asLong()).isLessThan(5000);
        assertThat(replyContent(report)).contains("还在思考");

        sandbox.modelLatency(Duration.ofMillis(100));
        await().atMost(Duration.ofSeconds(30)).until(() -> stack.redis().exists(Keys.answer(msgId)));
        JsonNode next = deliverAsWechat(openid, WechatRequests.newMsgId(), "好了吗");
        assertThat(statuses(next)).containsExactly(200);
        assertThat(replyContent(next)).isEqualTo(sandbox.modelAnswerTo(question));
    }

    private static JsonNode deliverAsWechat(String openid, String msgId, String question) {
        String encrypt = wechatSide.encrypt(WechatRequests.textXml(openid, msgId, question));
        return sandbox.deliverAsWechat(WechatRequests.safeModeQuery(Stack.TOKEN, openid, encrypt),
                WechatRequests.safeModeXml(encrypt));
    }

    private static List<Integer> statuses(JsonNode report) {
        List<Integer> statuses = new ArrayList<>();
        report.path("deliveries").forEach(delivery -> statuses.add(delivery.path("status").asInt()));
        return statuses;
    }

    private static String replyContent(JsonNode report) {
        return InboundXml.parse(wechatSide.decrypt(InboundXml.parse(report.path("body").asString()).get("Encrypt"))).get("Content");
    }

    @Test
    void safeModeMessageGetsTheModelsAnswerAsAnEncryptedPassiveReply() throws Exception {
        String openid = WechatRequests.newOpenid();
        String question = "被动回复模式 " + UUID.randomUUID();
        String encrypt = wechatSide.encrypt(WechatRequests.textXml(openid, WechatRequests.newMsgId(), question));

        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(stack.gateway() + "/wechat?"
                        + WechatRequests.safeModeQuery(Stack.TOKEN, openid, encrypt)))
                .header("Content-Type", "text/xml")
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(WechatRequests.safeModeXml(encrypt)))
                .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        Map<String, String> reply = InboundXml.parse(wechatSide.decrypt(InboundXml.parse(response.body()).get("Encrypt")));
        assertThat(reply).containsEntry("ToUserName", openid).containsEntry("MsgType", "text");
        assertThat(reply.get("Content")).isEqualTo(sandbox.modelAnswerTo(question));
        assertThat(sandbox.received(openid).path("customMessages")).as("passive mode never calls the customer-service API")
                .isEmpty();
    }

    /**
     * The chat page as a user of this account: the answer rides back encrypted on the delivery's own answer, and the
     * page must decrypt it to show it. Skipped without Chromium; the tests above still run.
     */
    @Nested
    class InTheChatPage {

        @RegisterExtension
        static final ChromiumPerClass chromium = new ChromiumPerClass();

        @Test
        void aSafeModeMessageIsAnsweredWithAnEncryptedPassiveReplyThatThePageDecrypts() {
            String openid = WechatRequests.newOpenid();
            String question = "被动回复 " + UUID.randomUUID();
            ChatPage page = ChatPage.open(chromium.browser(), stack.sandbox()).as(openid).safeMode();

            page.send(question);

            assertThat(page.awaitDeliveryStatus()).isEqualTo("200");
            assertThat(page.awaitReply("passive", Duration.ofSeconds(15))).isEqualTo(sandbox.modelAnswerTo(question));
            assertThat(page.decryptedPassiveReplies()).hasSize(1);
            assertThat(sandbox.received(openid).path("customMessages")).as("passive mode never calls the customer-service API")
                    .isEmpty();
        }

        /**
         * Every delivery refused (here: plaintext to an account that requires encryption, 403): the sandbox, playing
         * WeChat, delivers again at once, three times, and the page then shows WeChat's own notice, as the chat would.
         */
        @Test
        void threeFailedDeliveriesShowWechatsFailureNotice() {
            ChatPage page = ChatPage.open(chromium.browser(), stack.sandbox()).as(WechatRequests.newOpenid());

            page.send("明文消息 " + UUID.randomUUID());

            assertThat(page.awaitWechatNotice(Duration.ofSeconds(10))).isEqualTo("该公众号提供的服务出现故障，请稍后再试");
            assertThat(page.awaitDeliveryStatus()).isEqualTo("403");
            assertThat(page.deliveries()).isEqualTo("3");
        }
    }
}
