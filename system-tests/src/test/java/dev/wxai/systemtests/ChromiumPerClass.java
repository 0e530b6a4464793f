package dev.wxai.systemtests;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * One headless Chromium for a test class (a static {@code @RegisterExtension} field): started before the class's own
 * {@code @BeforeAll} methods, so that without Chromium the class is skipped before it starts a stack; a screenshot of
 * the page after each test, for whoever reads a failure ({@code target/service-logs/chat-page-<test>.png}); quit
 * after the last.
 */
final class ChromiumPerClass implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {

    private ChromeDriver browser;

    ChromeDriver browser() {
        return browser;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        assumeTrue(HeadlessChromium.installed(), context.getDisplayName() + " needs Debian's Chromium and its driver ("
                + HeadlessChromium.BROWSER + ", " + HeadlessChromium.DRIVER + "): apt-get install chromium chromium-driver");
        browser = HeadlessChromium.start();
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        if (browser != null) {
            Path shot = Path.of("target", "service-logs", "chat-page-" + context.getRequiredTestMethod().getName() + ".png");
            Files.write(shot, browser.getScreenshotAs(OutputType.BYTES));
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (browser != null) {
            browser.quit();
            browser = null;
        }
    }
}
