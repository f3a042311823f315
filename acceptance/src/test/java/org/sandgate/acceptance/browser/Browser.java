package org.sandgate.acceptance.browser;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * One headless Debian Chromium, driven through Debian's chromedriver, as one person: its {@code HOME}
 * holds that person's {@link NssDatabase} (their certificate, the CAs they trust), its profile is
 * fresh. Chromium runs as root here, so without its own sandbox; the network flags keep it from
 * calling out (this network refuses it, and a test must not wait for that).
 */
public final class Browser implements AutoCloseable {
    /** Where screenshots are kept as test artifacts. */
    public static final Path SCREENSHOTS = Path.of("target/browser-screenshots").toAbsolutePath();
    /** Selenium warns at every start that it has no DevTools binding for this Chromium; the tests use none. */
    private static final java.util.logging.Logger DEVTOOLS = java.util.logging.Logger.getLogger("org.openqa.selenium.devtools");

    static {
        DEVTOOLS.setLevel(java.util.logging.Level.SEVERE);
    }
    private final ChromeDriver driver;
    private final Path profile;

    private Browser(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    /** A browser whose user has the certificates and trust of {@code nss}; {@code javaScript} false disables scripts. */
    public static Browser start(NssDatabase nss, boolean javaScript) throws IOException {
        Tools.requireBrowser();
        Path profile = Files.createTempDirectory("sandgate-chromium-profile");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(Tools.CHROMIUM.toFile());
        List<String> args = new ArrayList<>(List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,900", "--user-data-dir=" + profile));
        options.addArguments(args);
        Path downloads = Files.createDirectories(profile.resolve("Downloads"));
        Map<String, Object> prefs = new java.util.HashMap<>(Map.of("download.default_directory", downloads.toString(),
                "download.prompt_for_download", false));
        if (!javaScript) {
            prefs.put("profile.managed_default_content_settings.javascript", 2);
        }
        options.setExperimentalOption("prefs", prefs);
        Path logs = Files.createDirectories(Path.of("target/browser-logs").toAbsolutePath());
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Tools.CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .withEnvironment(Map.of("HOME", nss.home().toString()))
                .withLogFile(logs.resolve("chromedriver-" + profile.getFileName() + ".log").toFile())
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60)).scriptTimeout(Duration.ofSeconds(60));
        return new Browser(driver, profile);
    }

    /**
     * Waits until the browser has downloaded a file of this name (or this name with an extension that
     * Chromium adds from the type, as {@code stdout.txt} for text/plain); returns it.
     */
    public Path downloaded(String name) throws InterruptedException, IOException {
        Path dir = profile.resolve("Downloads");
        java.time.Instant deadline = java.time.Instant.now().plusSeconds(30);
        while (java.time.Instant.now().isBefore(deadline)) {
            try (var files = Files.list(dir)) {
                var done = files.filter(f -> {
                    String n = f.getFileName().toString();
                    return (n.equals(name) || n.startsWith(name + ".")) && !n.endsWith(".crdownload");
                }).findFirst();
                if (done.isPresent()) {
                    return done.get();
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError(name + " was not downloaded in 30 s; downloads: " + java.util.Arrays.toString(dir.toFile().list()));
    }

    /** The WebDriver, for what this class does not wrap. */
    public ChromeDriver driver() {
        return driver;
    }

    /** Opens a URL and waits until the page has loaded. */
    public Browser open(String url) {
        driver.get(url);
        return this;
    }

    /** The text of the page's body, as a person reads it. */
    public String text() {
        return driver.findElement(org.openqa.selenium.By.tagName("body")).getText();
    }

    /** Runs a script in the page (through the driver, which a page's Content-Security-Policy does not govern). */
    public Object script(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /**
     * Makes the page's viewport {@code width} by {@code height} CSS pixels (as a phone's window; the
     * Chrome DevTools protocol's device metrics, which need no DevTools binding), and checks that it is.
     */
    public Browser viewport(int width, int height) {
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", false));
        Object inner = script("return window.innerWidth;");
        if (((Number) inner).intValue() != width) {
            throw new AssertionError("the viewport is " + inner + " px wide, not " + width);
        }
        return this;
    }

    /** A wait of up to {@code seconds} for a condition on this browser. */
    public WebDriverWait waiting(int seconds) {
        // a page that is being replaced (a form post, a reload, an htmx swap) leaves stale elements behind
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(seconds), Duration.ofMillis(100));
        wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
        return wait;
    }

    /** Keeps a screenshot of the page as {@code target/browser-screenshots/NAME.png}. */
    public Path screenshot(String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        File shot = driver.getScreenshotAs(OutputType.FILE);
        Path to = SCREENSHOTS.resolve(name + ".png");
        Files.move(shot.toPath(), to, StandardCopyOption.REPLACE_EXISTING);
        return to;
    }

    @Override
    public void close() throws IOException {
        try {
            driver.quit();
        } finally {
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
