package org.sandgate.acceptance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.sandgate.acceptance.browser.Browser;

/**
 * A real browser presenting a grid user's certificate: Debian's headless Chromium with the demo's
 * {@code .p12} imported into its NSS database and the demo CA trusted there, as the README tells a
 * user to, the certificate picked by Chromium's auto-selection policy. The server is the README's demo,
 * run as an ordinary account.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrowserCertificateIT {
    private static final ObjectMapper JSON = new ObjectMapper();
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

    private JsonNode whoami(String person) throws Exception {
        try (Browser browser = site.browser(person, true)) {
            browser.open(site.origin() + "/api/v1/whoami");
            browser.screenshot("whoami-api-" + person);
            return JSON.readTree(browser.text());
        }
    }

    @Test
    void aStrongUserSeesTheirDistinguishedName() throws Exception {
        JsonNode who = whoami("alice");
        assertEquals("/O=Sandgate Demo/OU=People/CN=Alice Demo", who.path("dn").asText(), who.toString());
        assertEquals("strong", who.path("tier").asText(), who.toString());
        assertEquals(site.account.name(), who.path("account").asText(), who.toString());
    }

    @Test
    void aWeakUserIsWeak() throws Exception {
        JsonNode who = whoami("bob");
        assertEquals("/O=Sandgate Demo Weak/OU=People/CN=Bob Demo", who.path("dn").asText(), who.toString());
        assertEquals("weak", who.path("tier").asText(), who.toString());
    }

    @Test
    void withoutACertificateTheVisitorIsAnonymous() throws Exception {
        JsonNode who = whoami("anonymous");
        assertEquals("anonymous", who.path("tier").asText(), who.toString());
        assertTrue(who.path("dn").isNull(), who.toString());
    }

    @Test
    void aCertificateFromAForgedCaIsRefusedWithAReason() throws Exception {
        // Chromium offers only certificates whose issuer is one the server names, so the forger names the
        // demo CA: same name, another key
        JsonNode who = whoami("mallory");
        assertEquals("invalid_certificate", who.path("error").asText(), who.toString());
        assertTrue(who.path("message").asText().contains("CN=Mallory"), who.toString());
    }
}
