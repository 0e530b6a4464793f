package dev.wxai.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.wxai.common.redis.Keys;
import dev.wxai.common.wechat.MessageCrypto;
import dev.wxai.common.wechat.PassiveReply;
import dev.wxai.common.wechat.SafeModeReply;
import dev.wxai.testsupport.SandboxClient;
import dev.wxai.testsupport.TestDatabase;
import dev.wxai.testsupport.WechatRequests;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The sandbox's chat page in headless Chromium against every service: what a developer clicks is what the test
 * clicks. The page signs (and in safe mode encrypts) each message itself; the services check it like any WeChat
 * delivery, so a wrong signature or a wrong cipher in the page fails here. Push mode, with an EncodingAESKey
 * configured so that plaintext and safe-mode deliveries are both accepted.
 */
class ChatPageIT {

    private static final String AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
    private static final Duration REPLY_WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final ChromiumPerClass chromium = new ChromiumPerClass();

    private static Stack stack;
    private static SandboxClient sandbox;

    @BeforeAll
    static void startEveryService() {
        stack = new Stack("wxai_e2e_chat", Map.of("wxai.wechat.aes-key", AES_KEY));
        sandbox = new SandboxClient(stack.sandbox());
    }

    @AfterAll
    static void stopEverything() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aMessageTypedInThePageIsAnsweredWithTheModelsAnswer() {
        String openid = WechatRequests.newOpenid();
        String question = "页面里的问题 " + UUID.randomUUID();
        ChatPage page = ChatPage.open(chromium.browser(), stack.sandbox()).as(openid);

        page.send(question);

        assertThat(page.awaitDeliveryStatus()).isEqualTo("200");
        String reply = page.awaitReply("customer-service", REPLY_WAIT);
        assertThat(reply).isEqualTo(sandbox.modelAnswerTo(question));
        assertThat(sandbox.successfulReplies(openid)).hasSize(1);
        assertThat(page.replies()).containsExactly(reply);
    }

    /**
     * The whole purchase as a user in WeChat makes it: the account's 「会员」 button, silent WeChat sign-in, the member
     * page, JSAPI pay through WeixinJSBridge (the sandbox's stand-in pay sheet), the paid notification, and the
     * membership shown active.
     */
    @Test
    void signInBuyAndPayOnTheMemberPageMakesTheMembershipActive() {
        String openid = WechatRequests.newOpenid();
        ChatPage chat = ChatPage.open(chromium.browser(), stack.sandbox()).as(openid);

        MemberPage shop = chat.openMemberPage();
        assertThat(shop.url()).startsWith(stack.gateway() + "/shop/");
        assertThat(shop.membershipActive()).as("a new user is no member").isFalse();

        shop.buyAndConfirm("MEMBER-MONTH");

        shop.awaitMembershipActive(REPLY_WAIT);
        assertThat(shop.membershipText()).contains("会员有效期至");
        String[] order = shop.newestOrder(Duration.ofSeconds(5));
        assertThat(order[1]).isEqualTo("PAID");
        // What the page shows is what the services hold: the order is this user's, paid, in MySQL.
        assertThat(TestDatabase.queryString("wxai_e2e_chat",
                "SELECT CONCAT(openid, ':', status) FROM orders WHERE out_trade_no = '" + order[0] + "'"))
                .isEqualTo(openid + ":PAID");
        // And the workers' cache of the membership follows through order.events.
        await().atMost(REPLY_WAIT).until(() -> stack.redis().exists(Keys.entitlement(openid)));
    }

    @Test
    void inSafeModeThePageEncryptsAndSignsLikeWechatAndTheMessageIsAnswered() {
        String openid = WechatRequests.newOpenid();
        String question = "安全模式 " + UUID.randomUUID();
        ChatPage page = ChatPage.open(chromium.browser(), stack.sandbox()).as(openid).safeMode();

        page.send(question);

        assertThat(page.awaitDeliveryStatus()).as("the ingress verified msg_signature and decrypted the page's message")
                .isEqualTo("200");
        assertThat(page.awaitReply("customer-service", REPLY_WAIT)).isEqualTo(sandbox.modelAnswerTo(question));
    }

    /**
     * Every padding length WeChat's 32-byte scheme can produce (1 to 32), both ways: what the page encrypts opens
     * with common-lib's MessageCrypto, and what MessageCrypto seals as a passive reply the page opens and verifies.
     */
    @Test
    void thePagesSafeModeCryptoAgreesWithMessageCryptoForEveryPaddingLength() {
        String openid = WechatRequests.newOpenid();
        ChatPage page = ChatPage.open(chromium.browser(), stack.sandbox()).as(openid);
        MessageCrypto wechatSide = new MessageCrypto(stack.appId, AES_KEY, null);

        List<String> contents = new ArrayList<>();
        for (int length = 0; length < 32; length++) {
            contents.add("x".repeat(length)); // 32 consecutive lengths: every padding from 1 to 32 bytes
        }
        contents.add("中文、表情 😀 与 ]]> 之类的字符");
        for (String content : contents) {
            String xml = PassiveReply.text(openid, "gh_sandbox", 1_732_867_201L, content);

            Object sealedByPage = page.script("WxCrypto.encrypt(arguments[0], arguments[1], arguments[2]).then(done);",
                    xml, stack.appId, AES_KEY);
            Map<String, Object> openedByPage = page.readPassiveReply(
                    SafeModeReply.wrap(wechatSide, Stack.TOKEN, xml, 1_732_867_201L, "nonce" + content.length()));

            assertThat(wechatSide.decrypt((String) sealedByPage)).isEqualTo(xml);
            assertThat(openedByPage).containsEntry("content", content).containsEntry("toUserName", openid)
                    .containsEntry("encrypted", true).containsEntry("signatureValid", true);
        }
        String forged = SafeModeReply.wrap(wechatSide, "another-token", PassiveReply.text(openid, "gh_sandbox", 1L, "x"), 1L, "n");
        assertThat(page.readPassiveReply(forged)).containsEntry("signatureValid", false);
    }
}
