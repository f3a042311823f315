package org.sandgate.acceptance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.sandgate.acceptance.browser.Axe;
import org.sandgate.acceptance.browser.Browser;
import org.sandgate.acceptance.browser.Keyboard;

/**
 * The portal as its visitors use it, in Debian's Chromium presenting their demo certificates: the
 * journey of a strong user with JavaScript (land, see who I am, open a form, preview the cost, call,
 * watch the session reach DONE live, read stdout, download a file and the archive, cancel another
 * session), the same without JavaScript (plain form posts and reloads), the same by keyboard only,
 * a visitor without a certificate, a weak one whom the preview tells which tier the call needs,
 * a refused one, an anonymous visitor who calls a cheap method, the pages at a 320 px wide window,
 * a developer who uploads, is refused a broken file and removes a service on the developers' page,
 * and an administrator who turns drain mode on and off by keyboard, bans and readmits a DN, sees every
 * owner's sessions and reloads the configuration (on a second site naming her under
 * {@code admins:}). Every page of the journey is checked with axe-core (WCAG 2.2 A and AA: no
 * violation) and kept as a screenshot.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PortalJourneyIT {
    private static final String ALICE = "/O=Sandgate Demo/OU=People/CN=Alice Demo";
    private static final Pattern SESSION_PAGE = Pattern.compile(".*/portal/sessions/([0-9a-f]{32})$");
    private static final String STRONG_ENOUGH = "Your credential is strong enough for it.";
    private BrowserDemo site;

    @BeforeAll
    void startTheDemo() throws Exception {
        site = BrowserDemo.start();
    }

    @AfterAll
    void stopTheDemo() throws Exception {
        if (site != null) {
            site.close();
        }
    }

    /** A page of the journey: its heading is {@code h1}, it has no WCAG violation, and its screenshot is kept. */
    private static void page(Browser browser, String h1, String shot, boolean axe) throws Exception {
        assertEquals(h1, browser.driver().findElement(By.tagName("h1")).getText(), browser.driver().getCurrentUrl());
        browser.screenshot(shot);
        if (axe) {
            Axe.assertAccessible(browser, shot);
        }
    }

    private static WebElement button(Browser browser, String text) {
        return browser.driver().findElement(By.xpath("//button[normalize-space()='" + text + "']"));
    }

    private static void fill(Browser browser, String field, String value) {
        WebElement input = browser.driver().findElement(By.id("arg-" + field));
        input.clear();
        input.sendKeys(value);
    }

    /** The cost preview's text once it says {@code expected} (htmx fills it in as the form is typed into). */
    private static String preview(Browser browser, String expected) {
        By where = By.id("cost-preview");
        browser.waiting(15).until(d -> d.findElement(where).getText().contains(expected));
        return browser.driver().findElement(where).getText();
    }

    private static String state(Browser browser) {
        return browser.driver().findElement(By.id("session-state")).getText();
    }

    private void landAndSeeWhoIAm(Browser browser, String prefix, boolean axe) throws Exception {
        browser.open(site.origin() + "/");
        page(browser, "Sandgate", prefix + "01-start", axe);
        assertTrue(browser.text().contains("You are " + ALICE + ", with a strong credential mapped to the account "
                + site.account.name()), browser.text());

        browser.driver().findElement(By.linkText("Who am I")).click();
        page(browser, "Who am I", prefix + "02-whoami", axe);
        String facts = browser.driver().findElement(By.cssSelector("main dl")).getText();
        assertTrue(facts.contains("Distinguished name\n" + ALICE), facts);
        assertTrue(facts.contains("Tier\nstrong"), facts);
        assertTrue(facts.contains("Accounts\n" + site.account.name()), facts);
    }

    /** From the services page to the form of sleepy.add; a cost that only the strong tier allows is previewed as allowed. */
    private void openTheFormAndPreviewTheCost(Browser browser, String prefix, boolean javaScript) throws Exception {
        browser.driver().findElement(By.linkText("Services")).click();
        page(browser, "Services", prefix + "03-services", javaScript);
        browser.driver().findElement(By.linkText("sleepy.add")).click();
        page(browser, "sleepy.add", prefix + "04-form", javaScript);
        fill(browser, "seconds", "4000");
        fill(browser, "a", "3");
        fill(browser, "b", "5");
        if (!javaScript) {
            pressAndAwaitTheNextPage(browser, "Preview the cost");
            assertEquals("4000", browser.driver().findElement(By.id("arg-seconds")).getAttribute("value"),
                    "the preview page keeps what was typed");
        }
        String cost = preview(browser, "This call costs 4001 CPU-seconds");
        assertTrue(cost.contains(STRONG_ENOUGH), cost);
        page(browser, "sleepy.add", prefix + "05-cost-preview", javaScript);
        fill(browser, "seconds", "1");
        if (!javaScript) {
            pressAndAwaitTheNextPage(browser, "Preview the cost");
        }
        preview(browser, "This call costs 2 CPU-seconds");
    }

    /** Presses a button that posts its form and waits until the page it answers with has replaced this one. */
    private static void pressAndAwaitTheNextPage(Browser browser, String text) {
        WebElement before = browser.driver().findElement(By.tagName("html"));
        button(browser, text).click();
        browser.waiting(15).until(org.openqa.selenium.support.ui.ExpectedConditions.stalenessOf(before));
    }

    /** Waits until the browser shows a session's page; returns the session's id. */
    private static String sessionPage(Browser browser) {
        try {
            browser.waiting(20).until(d -> SESSION_PAGE.matcher(d.getCurrentUrl()).matches());
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError("no session's page: " + browser.driver().getCurrentUrl() + "\n" + browser.text(), e);
        }
        Matcher m = SESSION_PAGE.matcher(browser.driver().getCurrentUrl());
        assertTrue(m.matches());
        return m.group(1);
    }

    /** With JavaScript the session page changes by itself (the event stream): it is never reloaded. */
    private static void watchItReachDoneLive(Browser browser, String prefix) throws Exception {
        browser.script("window.__sameDocument = true;");
        page(browser, "Session of sleepy.add", prefix + "06-session-active", true);
        browser.waiting(60).until(d -> state(browser).equals("DONE"));
        assertEquals(Boolean.TRUE, browser.script("return window.__sameDocument === true;"),
                "the state changed without a reload");
        page(browser, "Session of sleepy.add", prefix + "07-session-done", true);
    }

    /** Without JavaScript the page says to reload it, and a reload shows the new state. */
    private static void reloadUntilDone(Browser browser, String prefix) throws Exception {
        page(browser, "Session of sleepy.add", prefix + "06-session-active", false);
        for (int i = 0; i < 120 && !state(browser).equals("DONE"); i++) {
            Thread.sleep(500);
            browser.driver().findElement(By.linkText("reload it")).click();
        }
        assertEquals("DONE", state(browser));
        page(browser, "Session of sleepy.add", prefix + "07-session-done", false);
    }

    /** The finished session's page: exit code, stdout, a downloaded file, the downloaded zip of the sandbox. */
    private static void readTheOutputAndDownload(Browser browser, String session, String prefix) throws Exception {
        String facts = browser.driver().findElement(By.cssSelector("#live dl")).getText();
        assertTrue(facts.contains("Exit code\n0"), facts);
        String stdout = browser.driver().findElement(By.cssSelector("section[aria-labelledby=output-stdout] pre")).getText();
        assertEquals("sleepyadd 3 + 5 = 8", stdout.strip());

        browser.driver().findElement(By.linkText("stdout")).click();
        assertEquals("sleepyadd 3 + 5 = 8\n", Files.readString(browser.downloaded("stdout")));
        browser.driver().findElement(By.linkText("zip")).click();
        Map<String, String> zip = unzip(browser.downloaded(session + ".zip"));
        assertEquals("sleepyadd 3 + 5 = 8\n", zip.get("stdout"), zip.keySet().toString());
    }

    private static Map<String, String> unzip(Path file) throws Exception {
        Map<String, String> entries = new HashMap<>();
        try (InputStream in = Files.newInputStream(file); ZipInputStream zip = new ZipInputStream(in)) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                entries.put(e.getName().replaceFirst("^[0-9a-f]{32}/", ""), new String(zip.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        return entries;
    }

    /** My sessions lists the session with its state. */
    private void seeItAmongMySessions(Browser browser, String session, String prefix, boolean axe) throws Exception {
        browser.driver().findElement(By.linkText("My sessions")).click();
        page(browser, "My sessions", prefix + "08-sessions", axe);
        WebElement row = browser.driver().findElement(By.xpath("//tr[.//a[contains(@href, '" + session + "')]]"));
        assertTrue(row.getText().contains("DONE"), row.getText());
    }

    /** Starts a long job, cancels it from its page after the confirmation; it is gone. */
    private void cancelAnotherSession(Browser browser, String prefix, boolean axe) throws Exception {
        browser.open(site.origin() + "/portal/services/sleepy/add");
        fill(browser, "seconds", "600");
        fill(browser, "a", "1");
        fill(browser, "b", "1");
        button(browser, "Call").click();
        String session = sessionPage(browser);
        site.awaitState("alice", session, "RUNNING");
        browser.driver().findElement(By.linkText("Cancel the job")).click();
        page(browser, "Cancel the job?", prefix + "09-cancel-confirm", axe);
        button(browser, "Cancel the job and remove the session").click();
        browser.waiting(20).until(d -> d.getCurrentUrl().endsWith("/portal/sessions?removed=1"));
        assertTrue(browser.text().contains("The session was removed."), browser.text());
        page(browser, "My sessions", prefix + "10-removed", axe);
        assertEquals("not_found", site.curl("alice", site.origin() + "/api/v1/sessions/" + session).path("error").asText());
    }

    /** Keeps a measured time in {@code target/journey-times.txt} (a figure for bench/README.md, never a limit). */
    private static void record(String what, long millis) throws Exception {
        String line = what + ": " + millis + " ms\n";
        System.out.print("journey time " + line);
        Files.writeString(Path.of("target/journey-times.txt"), line, StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    }

    @Test
    void aStrongUserWalksThroughThePortal() throws Exception {
        try (Browser browser = site.browser("alice", true)) {
            long start = System.nanoTime();
            landAndSeeWhoIAm(browser, "journey-", true);
            openTheFormAndPreviewTheCost(browser, "journey-", true);
            button(browser, "Call").click();
            String session = sessionPage(browser);
            watchItReachDoneLive(browser, "journey-");
            record("checked journey (axe-core and a screenshot on each page), landing to DONE",
                    (System.nanoTime() - start) / 1_000_000);
            readTheOutputAndDownload(browser, session, "journey-");
            browser.driver().findElement(By.linkText("the sandbox's listing")).click();
            page(browser, "Sandbox of sleepy.add", "journey-07b-sandbox-listing", true);
            browser.driver().navigate().back();
            seeItAmongMySessions(browser, session, "journey-", true);
            browser.driver().findElement(By.linkText("Deployed services")).click();
            page(browser, "Deployed services", "journey-08b-developer", true);
            cancelAnotherSession(browser, "journey-", true);
        }
    }

    /**
     * The journey as a person clicks it, without the checks: open the start page, Services, sleepy.add,
     * fill in the form (a job of 0 seconds), wait for the preview, Call, watch the session page until it
     * says DONE. Rounds: {@code -Dsandgate.journey.rounds} (default 3), in one browser started before.
     */
    @Test
    void theScriptedJourneyFromLandingToADoneJobIsTimed() throws Exception {
        int rounds = Integer.getInteger("sandgate.journey.rounds", 3);
        try (Browser browser = site.browser("alice", true)) {
            browser.open(site.origin() + "/");
            for (int round = 1; round <= rounds; round++) {
                long start = System.nanoTime();
                browser.open(site.origin() + "/");
                browser.driver().findElement(By.linkText("Services")).click();
                browser.driver().findElement(By.linkText("sleepy.add")).click();
                fill(browser, "seconds", "0");
                fill(browser, "a", "3");
                fill(browser, "b", "5");
                preview(browser, "This call costs 1 CPU-seconds");
                button(browser, "Call").click();
                String session = sessionPage(browser);
                browser.waiting(60).until(d -> state(browser).equals("DONE"));
                record("round " + round + " of the scripted journey, landing to DONE", (System.nanoTime() - start) / 1_000_000);
                assertEquals("DONE", site.curl("alice", site.origin() + "/api/v1/sessions/" + session).path("state").asText());
            }
        }
    }

    @Test
    void aStrongUserWalksThroughThePortalWithoutJavaScript() throws Exception {
        try (Browser browser = site.browser("alice", false)) {
            landAndSeeWhoIAm(browser, "nojs-", false);
            openTheFormAndPreviewTheCost(browser, "nojs-", false);
            button(browser, "Call").click();
            String session = sessionPage(browser);
            reloadUntilDone(browser, "nojs-");
            readTheOutputAndDownload(browser, session, "nojs-");
            seeItAmongMySessions(browser, session, "nojs-", false);
            cancelAnotherSession(browser, "nojs-", false);
        }
    }

    @Test
    void aStrongUserWalksThroughThePortalByKeyboardOnly() throws Exception {
        try (Browser browser = site.browser("alice", true)) {
            browser.open(site.origin() + "/");
            Keyboard keys = new Keyboard(browser);
            keys.tab();
            assertEquals("Skip to main content", keys.focused().getText());
            keys.enter();
            assertEquals("main", keys.focused().getTagName(), "Skip to main content moves the focus to main");
            keys.tabToText("Who am I", 10);
            keys.enter();
            browser.waiting(10).until(d -> d.getCurrentUrl().endsWith("/portal/whoami"));
            page(browser, "Who am I", "keyboard-02-whoami", false);

            keys.tabToText("Services", 10);
            keys.enter();
            browser.waiting(10).until(d -> d.getCurrentUrl().endsWith("/portal/services"));
            keys.tabToText("sleepy.add", 20);
            keys.enter();
            browser.waiting(10).until(d -> d.getCurrentUrl().endsWith("/portal/services/sleepy/add"));
            keys.tabToField("seconds", 20);
            keys.type("1");
            keys.tabToField("a", 3);
            keys.type("3");
            keys.tabToField("b", 3);
            keys.type("5");
            preview(browser, "This call costs 2 CPU-seconds");
            page(browser, "sleepy.add", "keyboard-04-form", false);
            keys.tabToText("Call", 10);
            keys.space();
            String session = sessionPage(browser);
            browser.waiting(60).until(d -> state(browser).equals("DONE"));
            page(browser, "Session of sleepy.add", "keyboard-07-session-done", false);

            keys.tabToText("zip", 40);
            keys.enter();
            assertEquals("sleepyadd 3 + 5 = 8\n", unzip(browser.downloaded(session + ".zip")).get("stdout"));
            keys.tabToText("Remove the session", 10);
            keys.enter();
            browser.waiting(10).until(d -> d.getCurrentUrl().endsWith("/remove"));
            keys.tabToText("Remove the session", 20);
            keys.space();
            browser.waiting(20).until(d -> d.getCurrentUrl().endsWith("/portal/sessions?removed=1"));
            assertEquals("not_found", site.curl("alice", site.origin() + "/api/v1/sessions/" + session).path("error").asText());
        }
    }

    /**
     * A page at a 320 px wide viewport (WCAG 1.4.10 Reflow): nothing scrolls sideways, each of its main
     * controls is shown whole inside the viewport, axe-core finds no violation; a screenshot is kept.
     */
    private static void fitsANarrowWindow(Browser browser, String h1, String shot, By... controls) throws Exception {
        Object widths = browser.script("return [document.documentElement.scrollWidth, document.documentElement.clientWidth];");
        java.util.List<?> w = (java.util.List<?>) widths;
        long scroll = ((Number) w.get(0)).longValue();
        long viewport = ((Number) w.get(1)).longValue();
        assertTrue(scroll <= viewport, shot + ": the document is " + scroll + " px wide in a viewport of " + viewport
                + " px (it scrolls sideways)");
        for (By control : controls) {
            WebElement e = browser.driver().findElement(control);
            assertTrue(e.isDisplayed(), shot + ": " + control + " is not shown");
            org.openqa.selenium.Rectangle r = e.getRect();
            assertTrue(r.getX() >= 0 && r.getX() + r.getWidth() <= viewport, shot + ": " + control + " at x " + r.getX()
                    + ", " + r.getWidth() + " px wide, is not inside the viewport of " + viewport + " px");
        }
        page(browser, h1, shot, true);
    }

    @Test
    void theStartPageFormSessionAndSandboxListingFitA320PixelWideWindow() throws Exception {
        try (Browser browser = site.browser("alice", true)) {
            browser.open(site.origin() + "/");
            browser.viewport(320, 640);
            fitsANarrowWindow(browser, "Sandgate", "narrow-01-start", By.linkText("Services"),
                    By.linkText("My sessions"), By.linkText("Who am I"));
            browser.driver().findElement(By.linkText("Services")).click();
            fitsANarrowWindow(browser, "Services", "narrow-03-services", By.linkText("sleepy.add"));
            browser.driver().findElement(By.linkText("sleepy.add")).click();
            fill(browser, "seconds", "0");
            fill(browser, "a", "3");
            fill(browser, "b", "5");
            preview(browser, "This call costs 1 CPU-seconds");
            fitsANarrowWindow(browser, "sleepy.add", "narrow-04-form", By.id("arg-seconds"), By.id("arg-a"),
                    By.id("arg-b"), By.xpath("//button[normalize-space()='Call']"), By.id("cost-preview"));
            button(browser, "Call").click();
            sessionPage(browser);
            browser.waiting(60).until(d -> state(browser).equals("DONE"));
            fitsANarrowWindow(browser, "Session of sleepy.add", "narrow-07-session-done", By.id("session-state"),
                    By.linkText("stdout"), By.linkText("zip"), By.linkText("the sandbox's listing"),
                    By.cssSelector("section[aria-labelledby=output-stdout] pre"));
            browser.driver().findElement(By.linkText("the sandbox's listing")).click();
            fitsANarrowWindow(browser, "Sandbox of sleepy.add", "narrow-07b-sandbox-listing", By.linkText("zip"),
                    By.linkText("tar.gz"), By.cssSelector("main table"));
        }
    }

    /** The anonymous tier may call what costs at most 60 CPU-seconds: a visitor without a certificate calls sleepy.add. */
    @Test
    void aVisitorWithoutACertificateCallsACheapMethodAndReachesItsSessionPage() throws Exception {
        try (Browser browser = site.browser("anonymous", true)) {
            browser.open(site.origin() + "/portal/services/sleepy/add");
            fill(browser, "seconds", "1");
            fill(browser, "a", "2");
            fill(browser, "b", "7");
            String cost = preview(browser, "This call costs 2 CPU-seconds");
            assertTrue(cost.contains("anonymous calls may cost up to 60."), cost);
            assertTrue(cost.contains(STRONG_ENOUGH), cost);
            page(browser, "sleepy.add", "anonymous-04-form", true);
            button(browser, "Call").click();
            String session = sessionPage(browser);
            page(browser, "Session of sleepy.add", "anonymous-06-session", true);
            browser.waiting(60).until(d -> state(browser).equals("DONE"));
            String stdout = browser.driver().findElement(By.cssSelector("section[aria-labelledby=output-stdout] pre")).getText();
            assertEquals("sleepyadd 2 + 7 = 9", stdout.strip());
            page(browser, "Session of sleepy.add", "anonymous-07-session-done", true);
            assertEquals("DONE", site.curl(null, site.origin() + "/api/v1/sessions/" + session).path("state").asText());
        }
    }

    /**
     * On a site whose {@code admins:} names alice, she opens the administrators' page and turns drain
     * mode on and off by keyboard; the page and {@code /health} say so.
     */
    @Test
    void anAdministratorTurnsDrainOnAndOffByKeyboard() throws Exception {
        try (BrowserDemo administered = site.another("admins:\n  - \"" + ALICE + "\"\n");
                Browser browser = administered.browser("alice", true)) {
            browser.open(administered.origin() + "/");
            browser.driver().findElement(By.linkText("Administration")).click();
            page(browser, "Administration", "admin-01-page", true);
            assertTrue(browser.text().contains("Drain mode is off"), browser.text());

            Keyboard keys = new Keyboard(browser);
            keys.tabToText("Start draining", 40);
            keys.assertFocusVisible();
            keys.enter();
            browser.waiting(20).until(d -> d.findElement(By.tagName("body")).getText().contains("Drain mode is on"));
            page(browser, "Administration", "admin-02-draining", true);
            assertEquals("draining", administered.curl(null, administered.origin() + "/health").path("status").asText());

            keys = new Keyboard(browser);
            keys.tabToText("Stop draining", 40);
            keys.assertFocusVisible();
            keys.enter();
            browser.waiting(20).until(d -> d.findElement(By.tagName("body")).getText().contains("Drain mode is off"));
            page(browser, "Administration", "admin-03-not-draining", true);
            assertEquals("ok", administered.curl(null, administered.origin() + "/health").path("status").asText());
        }
    }

    /** The names of the services {@code /api/v1/services} lists. */
    private static java.util.List<String> listed(BrowserDemo demo) throws Exception {
        java.util.List<String> names = new java.util.ArrayList<>();
        demo.curl(null, demo.origin() + "/api/v1/services").path("services").forEach(s -> names.add(s.path("name").asText()));
        return names;
    }

    /** A file the browser uploads, outside the demo account's tree. */
    private static Path uploadFile(String name, String content) throws Exception {
        Path dir = Files.createDirectories(Path.of("target/browser-uploads").toAbsolutePath());
        return Files.writeString(dir.resolve(name), content);
    }

    private static void upload(Browser browser, String name, Path file) {
        WebElement field = browser.driver().findElement(By.id("upload-name"));
        field.clear();
        field.sendKeys(name);
        browser.driver().findElement(By.id("upload-file")).sendKeys(file.toString());
        pressAndAwaitTheNextPage(browser, "Upload and deploy");
    }

    /**
     * Alice, a developer of the demo, uploads a YAML command service through the developers' page, sees
     * its file and service listed, is told why a broken second file was not deployed (its file and
     * line), removes the service with its button and sees it gone; {@code /api/v1/services} agrees at
     * each step.
     */
    @Test
    void aDeveloperUploadsAServiceSeesABrokenOneRefusedAndRemovesIt() throws Exception {
        Path good = uploadFile("greet.yaml", """
                service: greet
                description: says hello
                methods:
                  hello:
                    kind: job
                    description: prints hello
                    cost: 1
                    command: [/bin/echo, hello]
                """);
        Path broken = uploadFile("broken.yaml", "service: broken\nmethods: [\n");
        assertTrue(!listed(site).contains("greet"), "greet is not deployed before the upload");
        try (Browser browser = site.browser("alice", true)) {
            browser.open(site.origin() + "/");
            browser.driver().findElement(By.linkText("Deployed services")).click();
            page(browser, "Deployed services", "developer-01-page", true);

            upload(browser, "greet", good);
            WebElement status = browser.waiting(20).until(d -> d.findElement(By.cssSelector("[role=status]")));
            assertTrue(status.getText().startsWith("Deployed greet.yaml: greet"), status.getText());
            String files = browser.driver().findElement(By.cssSelector("main table")).getText();
            assertTrue(files.contains("greet.yaml greet none"), files);
            page(browser, "Deployed services", "developer-02-uploaded", true);
            assertTrue(listed(site).contains("greet"), "the API lists the uploaded service");

            upload(browser, "broken", broken);
            WebElement alert = browser.waiting(20).until(d -> d.findElement(By.cssSelector("[role=alert]")));
            assertTrue(alert.getText().startsWith("broken.yaml: line 2"), "the problem names the file and line: " + alert.getText());
            page(browser, "Deployed services", "developer-03-broken-refused", true);
            assertTrue(!listed(site).contains("broken"), "the broken file deployed nothing");
            assertTrue(listed(site).contains("greet"), "the broken upload left greet deployed");

            pressAndAwaitTheNextPage(browser, "Remove greet");
            browser.waiting(20).until(d -> d.findElement(By.tagName("body")).getText().contains("The service was removed."));
            page(browser, "Deployed services", "developer-04-removed", true);
            assertTrue(!browser.driver().findElement(By.cssSelector("main table")).getText().contains("greet"),
                    browser.text());
            assertTrue(!listed(site).contains("greet"), "the API no longer lists the removed service");
        }
    }

    /**
     * On a site whose {@code admins:} names alice, she bans bob's DN through the administrators' page:
     * bob's browser is refused and told why; she lifts the ban and bob gets in again. She sees every
     * owner's sessions (bob's too) and reloads the configuration, and the page says what happened.
     */
    @Test
    void anAdministratorBansAndReadmitsADnSeesAllSessionsAndReloads() throws Exception {
        try (BrowserDemo administered = site.another("admins:\n  - \"" + ALICE + "\"\n");
                Browser alice = administered.browser("alice", true);
                Browser bob = administered.browser("bob", true)) {
            String bobDn = administered.curl("bob", administered.origin() + "/api/v1/whoami").path("dn").asText();
            assertTrue(bobDn.endsWith("CN=Bob Demo"), bobDn);
            String bobs = administered.curl("bob", "-H 'Content-Type: application/json' -d '{\"args\": {\"seconds\": 1, \"a\": 1, \"b\": 2}}' "
                    + administered.origin() + "/api/v1/services/sleepy/add").path("session").asText();
            assertTrue(bobs.matches("[0-9a-f]{32}"), bobs);

            bob.open(administered.origin() + "/portal/whoami");
            page(bob, "Who am I", "admin-bans-01-bob-before", true);

            alice.open(administered.origin() + "/portal/admin");
            page(alice, "Administration", "admin-bans-02-page", true);
            String sessions = alice.driver().findElement(By.xpath("//table[caption[starts-with(normalize-space(),'Every owner')]]")).getText();
            assertTrue(sessions.contains(bobs), "bob's session is listed for the administrator: " + sessions);

            alice.driver().findElement(By.id("ban-dn")).sendKeys(bobDn);
            alice.driver().findElement(By.id("ban-reason")).sendKeys("browser test");
            pressAndAwaitTheNextPage(alice, "Ban");
            alice.waiting(20).until(d -> d.findElement(By.tagName("body")).getText().contains("The DN is banned."));
            page(alice, "Administration", "admin-bans-03-banned", true);
            String bans = alice.driver().findElement(By.xpath("//table[caption='Banned DNs']")).getText();
            assertTrue(bans.contains(bobDn) && bans.contains("browser test"), bans);

            bob.open(administered.origin() + "/portal/whoami");
            bob.screenshot("admin-bans-04-bob-refused");
            assertTrue(bob.text().contains("banned"), "bob is told why he is refused: " + bob.text());
            Axe.assertAccessible(bob, "admin-bans-04-bob-refused");

            alice.driver().findElement(By.xpath("//button[@aria-label='Lift the ban of " + bobDn + "']")).click();
            alice.waiting(20).until(d -> d.findElement(By.tagName("body")).getText().contains("The ban was lifted."));
            page(alice, "Administration", "admin-bans-05-lifted", true);
            assertTrue(alice.text().contains("No DN is banned."), alice.text());

            bob.open(administered.origin() + "/portal/whoami");
            page(bob, "Who am I", "admin-bans-06-bob-again", true);
            assertTrue(bob.driver().findElement(By.cssSelector("main dl")).getText().contains("Tier\nweak"), bob.text());

            pressAndAwaitTheNextPage(alice, "Reload the configuration");
            WebElement status = alice.waiting(20).until(d -> d.findElement(By.cssSelector("[role=status]")));
            assertTrue(status.getText().startsWith("The configuration, the grid-mapfile and the trust anchors were read again."),
                    status.getText());
            page(alice, "Administration", "admin-reload-01-done", true);
        }
    }

    @Test
    void aVisitorWithoutACertificateIsToldTheyAreAnonymous() throws Exception {
        try (Browser browser = site.browser("anonymous", true)) {
            browser.open(site.origin() + "/");
            page(browser, "Sandgate", "anonymous-01-start", true);
            String notice = browser.driver().findElement(By.cssSelector("main section.notice")).getText();
            assertTrue(notice.startsWith("You are anonymous\nYour browser sent no client certificate"), notice);
            browser.driver().findElement(By.linkText("Who am I")).click();
            page(browser, "Who am I", "anonymous-02-whoami", true);
            String facts = browser.driver().findElement(By.cssSelector("main dl")).getText();
            assertTrue(facts.contains("Distinguished name\nnone (anonymous)"), facts);
            assertTrue(facts.contains("Tier\nanonymous"), facts);
        }
    }

    @Test
    void aWeakUserSeesTheirTierAndItsCeiling() throws Exception {
        try (Browser browser = site.browser("bob", true)) {
            browser.open(site.origin() + "/portal/whoami");
            page(browser, "Who am I", "weak-whoami", true);
            String facts = browser.driver().findElement(By.cssSelector("main dl")).getText();
            assertTrue(facts.contains("Tier\nweak"), facts);
            assertTrue(facts.contains("Cost ceiling of one call\n3600 CPU-seconds"), facts);
            String table = browser.driver().findElement(By.cssSelector("main table")).getText();
            assertTrue(table.contains("weak (yours) 3600 CPU-seconds"), table);
        }
    }

    @Test
    void theCostPreviewTellsAWeakUserWhichTierTheCallNeeds() throws Exception {
        int before = site.curl("bob", site.origin() + "/api/v1/sessions").path("sessions").size();
        try (Browser browser = site.browser("bob", true)) {
            browser.open(site.origin() + "/portal/services/sleepy/add");
            fill(browser, "seconds", "4000");
            fill(browser, "a", "3");
            fill(browser, "b", "5");
            String cost = preview(browser, "This call costs 4001 CPU-seconds");
            assertTrue(cost.contains("calls with a weak credential may cost at most 3600"), cost);
            assertTrue(cost.contains("A strong credential is needed for it."), cost);
            page(browser, "sleepy.add", "weak-cost-preview", true);

            button(browser, "Call").click();
            WebElement alert = browser.waiting(15).until(d -> d.findElement(By.cssSelector("[role=alert]")));
            assertTrue(alert.getText().contains("The call was not made"), alert.getText());
            page(browser, "sleepy.add", "weak-call-refused", true);
        }
        assertEquals(before, site.curl("bob", site.origin() + "/api/v1/sessions").path("sessions").size(),
                "the refused call started no session");
    }

    @Test
    void aRefusedCertificateIsExplainedInPlainWords() throws Exception {
        try (Browser browser = site.browser("mallory", true)) {
            browser.open(site.origin() + "/");
            page(browser, "Sandgate", "refused-start", true);
            String notice = browser.driver().findElement(By.cssSelector("main section.notice")).getText();
            assertTrue(notice.startsWith("Your certificate was not accepted\n"), notice);
            assertTrue(notice.contains("CN=Mallory"), notice);
        }
    }
}
