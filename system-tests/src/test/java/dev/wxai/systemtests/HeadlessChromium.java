package dev.wxai.systemtests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's Chromium ({@code apt-get install chromium chromium-driver}) driven headless by its own chromedriver. Both
 * paths are given, so Selenium Manager never runs: it would try to download a browser and a driver, and nothing
 * outside Maven Central and Debian can be reached here or in CI.
 */
final class HeadlessChromium {

    static final Path BROWSER = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    private HeadlessChromium() {
    }

    static boolean installed() {
        return Files.isExecutable(BROWSER) && Files.isExecutable(DRIVER);
    }

    static ChromeDriver start() {
        System.setProperty(ChromeDriverService.CHROME_DRIVER_EXE_PROPERTY, DRIVER.toString());
        try {
            Path logs = Files.createDirectories(Path.of("target", "service-logs"));
            Path profile = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "chromium-profile");
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(DRIVER.toFile())
                    .usingAnyFreePort()
                    .withLogFile(logs.resolve("chromedriver.log").toFile())
                    .build();
            ChromeOptions options = new ChromeOptions();
            options.setBinary(BROWSER.toFile());
            options.addArguments(
                    "--headless=new",
                    "--no-sandbox", // CI runs as root, where Chromium's own sandbox refuses to start
                    "--disable-dev-shm-usage",
                    "--disable-gpu",
                    "--window-size=1280,900",
                    "--user-data-dir=" + profile,
                    // Nothing outside loopback is reachable: keep Chromium from trying (updates, sync, field trials).
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--disable-default-apps",
                    "--disable-extensions");
            return new ChromeDriver(service, options);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
