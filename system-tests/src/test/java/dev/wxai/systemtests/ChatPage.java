package dev.wxai.systemtests;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The sandbox's chat page ({@code /chat/}) as a user handles it: by its fields and buttons, waiting as a user would. */
final class ChatPage {

    private static final Duration QUICK = Duration.ofSeconds(10);

    private final WebDriver browser;

    private ChatPage(WebDriver browser) {
        this.browser = browser;
    }

    static ChatPage open(WebDriver browser, String sandboxUrl) {
        browser.get(sandboxUrl + "/chat/");
        ChatPage page = new ChatPage(browser);
        page.await(QUICK, "the page is ready", () -> "true".equals(browser.findElement(By.tagName("body")).getDomAttribute("data-ready")));
        return page;
    }

    /** Types the openid into the user field and switches to it. */
    ChatPage as(String openid) {
        WebElement field = browser.findElement(By.id("openid"));
        field.clear();
        field.sendKeys(openid);
        browser.findElement(By.id("use-openid")).click();
        await(QUICK, "the page speaks as " + openid, () -> texts(".msg.system .bubble").stream().anyMatch(t -> t.contains(openid)));
        return this;
    }

    ChatPage safeMode() {
        browser.findElement(By.id("mode-safe")).click();
        return this;
    }

    void send(String text) {
        browser.findElement(By.id("text")).sendKeys(text);
        browser.findElement(By.id("send")).click();
    }

    /** The HTTP status the last sent message's delivery got from the gateway, once it has one. */
    String awaitDeliveryStatus() {
        await(QUICK, "the message is delivered", () -> lastSent() != null && lastSent().getDomAttribute("data-status") != null);
        return lastSent().getDomAttribute("data-status");
    }

    private WebElement lastSent() {
        List<WebElement> sent = browser.findElements(By.cssSelector(".msg.out"));
        return sent.isEmpty() ? null : sent.get(sent.size() - 1);
    }

    /** The first reply shown that arrived by {@code source}: {@code customer-service} or {@code passive}. */
    String awaitReply(String source, Duration timeout) {
        String bubbles = ".msg.in[data-source='" + source + "'] .bubble";
        await(timeout, "a " + source + " reply in the chat", () -> !texts(bubbles).isEmpty());
        return texts(bubbles).get(0);
    }

    /** The system notice WeChat shows in the chat after the last delivery of a message failed. */
    String awaitWechatNotice(Duration timeout) {
        String bubbles = ".msg.system[data-source='wechat-notice'] .bubble";
        await(timeout, "WeChat's notice in the chat", () -> !texts(bubbles).isEmpty());
        return texts(bubbles).get(0);
    }

    /** How many times the last sent message was delivered, once its deliveries are over. */
    String deliveries() {
        return lastSent().getDomAttribute("data-deliveries");
    }

    /** Passive replies the page decrypted (safe mode). */
    List<String> decryptedPassiveReplies() {
        return texts(".msg.in[data-source='passive'][data-encrypted='true'] .bubble");
    }

    List<String> replies() {
        return texts(".msg.in .bubble");
    }

    /** The 「会员」 button, as the account's menu: WeChat sign-in, then the member page on the gateway. */
    MemberPage openMemberPage() {
        browser.findElement(By.id("open-shop")).click();
        return MemberPage.await(browser);
    }

    /** The page's own reading of a delivery's answer body (window.wxaiChat.readPassiveReply). */
    @SuppressWarnings("unchecked")
    Map<String, Object> readPassiveReply(String answer) {
        return (Map<String, Object>) script("""
                window.wxaiChat.readPassiveReply(arguments[0]).then(done, e => done({error: String(e)}));""", answer);
    }

    /** Runs asynchronous JavaScript in the page: the snippet calls {@code done(result)}. */
    Object script(String snippet, Object... arguments) {
        return ((JavascriptExecutor) browser).executeAsyncScript(
                "const done = arguments[arguments.length - 1];\n" + snippet, arguments);
    }

    private List<String> texts(String css) {
        return browser.findElements(By.cssSelector(css)).stream().map(WebElement::getText).toList();
    }

    private void await(Duration timeout, String what, java.util.function.BooleanSupplier condition) {
        new WebDriverWait(browser, timeout, Duration.ofMillis(200)).withMessage(what)
                .until(driver -> condition.getAsBoolean());
    }
}
