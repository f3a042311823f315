package org.sandgate.acceptance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.sandgate.acceptance.browser.AttackerSite;
import org.sandgate.acceptance.browser.Browser;
import org.sandgate.acceptance.browser.Hostile;

/**
 * The pages a browser shows are safe by construction, checked in the browser: text an attacker chose
 * (a developer's service description, the names of the files a job wrote, its output) renders as text
 * and runs no script; a form on another site that posts to Sandgate with the certificate the browser
 * presents by itself is refused and starts nothing, as is the portal's own form without its
 * anti-forgery token; another owner's session page is the same 404 as an unknown one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PortalSecurityIT {
    private BrowserDemo site;
    private String session;

    @BeforeAll
    void startTheDemoWithAHostileService() throws Exception {
        site = BrowserDemo.start();
        site.deploy("hostile", hostileService());
        JsonNode created = site.curl("alice", "-H 'Content-Type: application/json' -d '{\"args\": {}}' "
                + site.origin() + "/api/v1/services/hostile/files");
        session = created.path("session").asText();
        site.awaitState("alice", session, "DONE");
    }

    @AfterAll
    void stopTheDemo() throws Exception {
        if (site != null) {
            site.close();
        }
    }

    /** A command service whose descriptions are payloads, whose job names its files after them and prints them. */
    private static String hostileService() {
        List<String> p = Hostile.PAYLOADS;
        StringBuilder y = new StringBuilder();
        y.append("service: hostile\n");
        y.append("description: ").append(quoted(p.get(0) + p.get(1))).append('\n');
        y.append("methods:\n  files:\n    kind: job\n");
        y.append("    description: ").append(quoted(p.get(2))).append('\n');
        y.append("    arguments:\n      note: {type: string, optional: true, description: ").append(quoted(p.get(3))).append("}\n");
        y.append("    cost: 1\n    command:\n      - /bin/sh\n      - -c\n");
        y.append("      - ").append(quoted("for f in \"$@\"; do : > \"$f\"; printf '%s\\n' \"$f\"; done")).append('\n');
        y.append("      - hostile\n");
        for (String payload : p) {
            // a file name holds no slash
            y.append("      - ").append(quoted(payload.replace("/", ""))).append('\n');
        }
        return y.toString();
    }

    private static String quoted(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static List<String> fileNames() {
        List<String> names = new ArrayList<>();
        Hostile.PAYLOADS.forEach(p -> names.add(p.replace("/", "")));
        return names;
    }

    @Test
    void hostileFileNamesRenderInertInTheSandboxListing() throws Exception {
        try (Browser browser = site.browser("alice", true)) {
            browser.open(site.origin() + "/sandbox/" + session + "/");
            browser.screenshot("security-sandbox-listing");
            for (String name : fileNames()) {
                Hostile.assertShownAsText(browser, name, "the sandbox listing");
            }
            Hostile.assertInert(browser, "the sandbox listing");

            browser.open(site.origin() + "/sandbox/" + session + "/stdout");
            assertEquals(String.join("\n", fileNames()), browser.text().strip(), "stdout is shown as text");
            Hostile.assertInert(browser, "stdout");
        }
    }

    private int sessionsOf(String user) throws Exception {
        return site.curl(user, site.origin() + "/api/v1/sessions").path("sessions").size();
    }

    @Test
    void aFormOnAnotherSiteCannotCallAServiceWithTheUsersCertificate() throws Exception {
        int before = sessionsOf("alice");
        try (AttackerSite attacker = AttackerSite.start(); Browser browser = site.browser("alice", true)) {
            String url = attacker.autoPostingForm("/prize", site.origin() + "/api/v1/services/sleepy/add",
                    Map.of("args", "[0, 1, 2]"));
            browser.open(url);
            browser.waiting(20).until(d -> d.getCurrentUrl().startsWith(site.origin()));
            browser.screenshot("security-cross-site-api");
            assertTrue(browser.text().contains("\"error\":\"cross_site_request\""), browser.text());
        }
        assertEquals(before, sessionsOf("alice"), "the forged post started no session");
    }

    @Test
    void hostileServiceDescriptionsRenderInertOnTheServicesPageAndTheForm() throws Exception {
        try (Browser browser = site.browser("alice", true)) {
            browser.open(site.origin() + "/portal/services");
            browser.screenshot("security-services");
            Hostile.assertShownAsText(browser, Hostile.PAYLOADS.get(0) + Hostile.PAYLOADS.get(1), "the services page");
            Hostile.assertShownAsText(browser, Hostile.PAYLOADS.get(2), "the services page");
            Hostile.assertInert(browser, "the services page");

            browser.driver().findElement(By.linkText("hostile.files")).click();
            browser.waiting(10).until(d -> d.getCurrentUrl().endsWith("/portal/services/hostile/files"));
            browser.screenshot("security-form");
            Hostile.assertShownAsText(browser, Hostile.PAYLOADS.get(2), "the form");
            Hostile.assertShownAsText(browser, Hostile.PAYLOADS.get(3), "the form's field help");
            Hostile.assertInert(browser, "the form");
        }
    }

    @Test
    void hostileFileNamesRenderInertOnTheSessionPage() throws Exception {
        try (Browser browser = site.browser("alice", true)) {
            browser.open(site.origin() + "/portal/sessions/" + session);
            browser.screenshot("security-session-page");
            for (String name : fileNames()) {
                Hostile.assertShownAsText(browser, name, "the session page");
            }
            Hostile.assertInert(browser, "the session page");
        }
    }

    @Test
    void aFormOnAnotherSiteCannotPostThePortalsFormWithTheUsersCertificate() throws Exception {
        int before = sessionsOf("alice");
        try (AttackerSite attacker = AttackerSite.start(); Browser browser = site.browser("alice", true)) {
            String url = attacker.autoPostingForm("/prize", site.origin() + "/portal/services/sleepy/add",
                    Map.of("seconds", "0", "a", "1", "b", "2"));
            browser.open(url);
            browser.waiting(20).until(d -> d.getCurrentUrl().startsWith(site.origin()));
            browser.screenshot("security-cross-site-form");
            assertTrue(browser.text().contains("\"error\":\"cross_site_request\""), browser.text());
        }
        assertEquals(before, sessionsOf("alice"), "the forged post started no session");
    }

    @Test
    void thePortalsOwnFormWithoutItsTokenIsRefused() throws Exception {
        int before = sessionsOf("alice");
        try (Browser browser = site.browser("alice", true)) {
            browser.open(site.origin() + "/portal/services/sleepy/add");
            browser.driver().findElement(By.id("arg-seconds")).sendKeys("0");
            browser.driver().findElement(By.id("arg-a")).sendKeys("1");
            browser.driver().findElement(By.id("arg-b")).sendKeys("2");
            // what a page of this origin that could not read the token would send: the form without it
            browser.script("document.querySelector('input[name=csrf]').remove();");
            browser.driver().findElement(By.xpath("//button[normalize-space()='Call']")).click();
            browser.waiting(20).until(d -> d.findElement(By.tagName("h1")).getText().equals("Form refused"));
            browser.screenshot("security-form-without-token");
        }
        assertEquals(before, sessionsOf("alice"), "the post without its token started no session");
    }

    @Test
    void anotherOwnersSessionPageIsTheSamePageAsAnUnknownOne() throws Exception {
        // bob is mapped to the same account as alice, but the session is alice's
        try (Browser browser = site.browser("bob", true)) {
            browser.open(site.origin() + "/portal/sessions/" + session);
            String foreign = browser.driver().findElement(By.tagName("main")).getText();
            browser.screenshot("security-foreign-session");
            browser.open(site.origin() + "/portal/sessions/" + "0".repeat(32));
            String unknown = browser.driver().findElement(By.tagName("main")).getText();
            assertEquals(unknown, foreign.replace(session, "0".repeat(32)));
            assertTrue(foreign.startsWith("Session not found"), foreign);
        }
    }
}
