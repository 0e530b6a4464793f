package dev.wxai.systemtests;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The member page ({@code /shop/} on the gateway) as a user clicks it, in a desktop browser with the stand-in bridge. */
final class MemberPage {

    private static final Duration QUICK = Duration.ofSeconds(15);

    private final WebDriver browser;

    private MemberPage(WebDriver browser) {
        this.browser = browser;
    }

    /** Waits until the member page has loaded the user's membership: the sign-in is over. */
    static MemberPage await(WebDriver browser) {
        MemberPage page = new MemberPage(browser);
        page.await(QUICK, "the member page shows the membership", () -> !page.membershipAttribute().isEmpty());
        return page;
    }

    String url() {
        return browser.getCurrentUrl();
    }

    boolean membershipActive() {
        return "true".equals(membershipAttribute());
    }

    String membershipText() {
        return browser.findElement(By.id("membership")).getText();
    }

    /** Buys {@code sku} with JSAPI pay and confirms WeChat's pay sheet (the sandbox's stand-in). */
    void buyAndConfirm(String sku) {
        browser.findElement(By.cssSelector("button.buy[data-sku='" + sku + "']")).click();
        await(QUICK, "the pay sheet", () -> !browser.findElements(By.id("wx-pay-confirm")).isEmpty()
                && browser.findElement(By.id("wx-pay-confirm")).isDisplayed());
        browser.findElement(By.id("wx-pay-confirm")).click();
    }

    void awaitMembershipActive(Duration timeout) {
        await(timeout, "the membership shown as active", this::membershipActive);
    }

    /** The first (newest) order in "my orders": its number and status. */
    String[] newestOrder(Duration timeout) {
        await(timeout, "an order listed", () -> !browser.findElements(By.cssSelector("#orders li[data-out-trade-no]")).isEmpty());
        WebElement newest = browser.findElements(By.cssSelector("#orders li[data-out-trade-no]")).get(0);
        return new String[] {newest.getDomAttribute("data-out-trade-no"), newest.getDomAttribute("data-status")};
    }

    String notice() {
        return browser.findElement(By.id("notice")).getText();
    }

    private String membershipAttribute() {
        var found = browser.findElements(By.id("membership"));
        String active = found.isEmpty() ? null : found.get(0).getDomAttribute("data-active");
        return active == null ? "" : active;
    }

    private void await(Duration timeout, String what, BooleanSupplier condition) {
        new WebDriverWait(browser, timeout, Duration.ofMillis(200)).withMessage(what).until(driver -> condition.getAsBoolean());
    }
}
