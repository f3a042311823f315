package org.sandgate.acceptance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.sandgate.acceptance.browser.Axe;
import org.sandgate.acceptance.browser.Browser;
import org.sandgate.acceptance.browser.Keyboard;

/**
 * The portal as its visitors use it, in Debian's Chromium presenting their demo certificates: the
 * journey of a strong user with JavaScript, the same without JavaScript, a visitor without a
 * certificate, a weak one and a refused one. Every page of the journey is checked with axe-core
 * (WCAG 2.2 A and AA: no violation) and kept as a screenshot.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PortalJourneyIT {
    private static final String ALICE = "/O=Sandgate Demo/OU=People/CN=Alice Demo";
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

    private void landAndSeeWhoIAm(Browser browser, String prefix, boolean javaScript) throws Exception {
        browser.open(site.origin() + "/");
        page(browser, "Sandgate", prefix + "01-start", javaScript);
        assertTrue(browser.text().contains("You are " + ALICE + ", with a strong credential mapped to the account "
                + site.account.name()), browser.text());

        browser.driver().findElement(By.linkText("Who am I")).click();
        page(browser, "Who am I", prefix + "02-whoami", javaScript);
        String facts = browser.driver().findElement(By.cssSelector("main dl")).getText();
        assertTrue(facts.contains("Distinguished name\n" + ALICE), facts);
        assertTrue(facts.contains("Tier\nstrong"), facts);
        assertTrue(facts.contains("Accounts\n" + site.account.name()), facts);
    }

    @Test
    void aStrongUserWalksThroughThePortal() throws Exception {
        try (Browser browser = site.browser("alice", true)) {
            landAndSeeWhoIAm(browser, "journey-", true);
        }
    }

    @Test
    void aStrongUserWalksThroughThePortalWithoutJavaScript() throws Exception {
        try (Browser browser = site.browser("alice", false)) {
            landAndSeeWhoIAm(browser, "nojs-", false);
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
