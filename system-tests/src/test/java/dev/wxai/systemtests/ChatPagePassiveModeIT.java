package dev.wxai.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.wxai.testsupport.SandboxClient;
import dev.wxai.testsupport.WechatRequests;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The chat page as a user of an unverified subscription account in safe mode: no customer-service API, so the answer
 * rides back encrypted on the delivery's own answer, and the page must decrypt it to show it.
 */
class ChatPagePassiveModeIT {

    private static final String AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

    private static Stack stack;
    private static SandboxClient sandbox;
    private static ChromeDriver browser;

    @BeforeAll
    static void startEveryServiceAndTheBrowser() {
        assumeTrue(HeadlessChromium.installed(), "ChatPagePassiveModeIT needs Debian's Chromium and its driver ("
                + HeadlessChromium.BROWSER + ", " + HeadlessChromium.DRIVER + "): apt-get install chromium chromium-driver");
        // A safe-mode account refuses plaintext, as WeChat never sends it one: the way to make every delivery fail.
        stack = new Stack("wxai_e2e_chat_passive", Map.of(
                "wxai.wechat.reply-mode", "passive",
                "wxai.wechat.aes-key", AES_KEY,
                "wxai.wechat.require-encryption", "true"));
        sandbox = new SandboxClient(stack.sandbox());
        browser = HeadlessChromium.start();
    }

    @AfterAll
    static void stopEverything() {
        if (browser != null) {
            browser.quit();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @AfterEach
    void keepAScreenshot(TestInfo test) throws IOException {
        Path shot = Path.of("target", "service-logs", "chat-page-" + test.getTestMethod().orElseThrow().getName() + ".png");
        Files.write(shot, browser.getScreenshotAs(OutputType.BYTES));
    }

    @Test
    void aSafeModeMessageIsAnsweredWithAnEncryptedPassiveReplyThatThePageDecrypts() {
        String openid = WechatRequests.newOpenid();
        String question = "被动回复 " + UUID.randomUUID();
        ChatPage page = ChatPage.open(browser, stack.sandbox()).as(openid).safeMode();

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
        ChatPage page = ChatPage.open(browser, stack.sandbox()).as(WechatRequests.newOpenid());

        page.send("明文消息 " + UUID.randomUUID());

        assertThat(page.awaitWechatNotice(Duration.ofSeconds(10))).isEqualTo("该公众号提供的服务出现故障，请稍后再试");
        assertThat(page.awaitDeliveryStatus()).isEqualTo("403");
        assertThat(page.deliveries()).isEqualTo("3");
    }
}
