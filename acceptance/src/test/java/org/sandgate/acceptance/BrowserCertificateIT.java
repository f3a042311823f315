package org.sandgate.acceptance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.sandgate.acceptance.browser.Browser;
import org.sandgate.acceptance.browser.CertificateSelectionPolicy;
import org.sandgate.acceptance.browser.NssDatabase;
import org.sandgate.acceptance.browser.Tools;

/**
 * A real browser presenting a grid user's certificate: Debian's headless Chromium with the demo's
 * {@code .p12} imported into its NSS database and the demo CA trusted there, as the README tells a
 * user to, the certificate picked by Chromium's auto-selection policy. The server is the README's demo,
 * run as an ordinary account.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrowserCertificateIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private Account account;
    private Demo demo;
    private CertificateSelectionPolicy policy;
    private Path homes;

    @BeforeAll
    void startTheDemo() throws Exception {
        Tools.requireBrowser();
        account = new Account("sandgate-browser");
        demo = Demo.start(account, "bin/sandgate-server demo");
        policy = CertificateSelectionPolicy.forOrigin(origin());
        homes = Files.createTempDirectory("sandgate-browser-homes");
    }

    @AfterAll
    void stopTheDemo() throws Exception {
        try {
            if (policy != null) {
                policy.close();
            }
            if (demo != null) {
                demo.stop();
            }
        } finally {
            if (account != null) {
                account.close();
            }
            if (homes != null) {
                Account.asTests(Path.of("/"), "rm", "-rf", homes.toString());
            }
        }
    }

    private String origin() {
        return "https://localhost:" + demo.httpsPort;
    }

    private Path site(String path) {
        return account.dir.resolve("sandgate-demo").resolve(path);
    }

    /** A person who trusts the demo CA and holds {@code user}'s .p12 (none for null). */
    private NssDatabase person(String name, Path p12, String password) throws Exception {
        NssDatabase nss = NssDatabase.create(homes, name).trustCa(site("ca-strong/ca.pem"), "Sandgate Demo CA");
        return p12 == null ? nss : nss.importCredential(p12, password);
    }

    private JsonNode whoami(NssDatabase person, String shot) throws Exception {
        try (Browser browser = Browser.start(person, true)) {
            browser.open(origin() + "/api/v1/whoami");
            browser.screenshot(shot);
            return JSON.readTree(browser.text());
        }
    }

    @Test
    void aStrongUserSeesTheirDistinguishedName() throws Exception {
        NssDatabase alice = person("alice", site("users/alice/usercred.p12"), "demo");
        JsonNode who = whoami(alice, "whoami-api-alice");
        assertEquals("/O=Sandgate Demo/OU=People/CN=Alice Demo", who.path("dn").asText(), who.toString());
        assertEquals("strong", who.path("tier").asText(), who.toString());
        assertEquals(account.name(), who.path("account").asText(), who.toString());
    }

    @Test
    void aWeakUserIsWeak() throws Exception {
        JsonNode who = whoami(person("bob", site("users/bob/usercred.p12"), "demo"), "whoami-api-bob");
        assertEquals("/O=Sandgate Demo Weak/OU=People/CN=Bob Demo", who.path("dn").asText(), who.toString());
        assertEquals("weak", who.path("tier").asText(), who.toString());
    }

    @Test
    void withoutACertificateTheVisitorIsAnonymous() throws Exception {
        JsonNode who = whoami(person("anonymous", null, null), "whoami-api-anonymous");
        assertEquals("anonymous", who.path("tier").asText(), who.toString());
        assertTrue(who.path("dn").isNull(), who.toString());
    }

    @Test
    void aCertificateFromAForgedCaIsRefusedWithAReason() throws Exception {
        // Chromium offers only certificates whose issuer is one the server names, so the forger names the
        // demo CA: same name, another key
        Path forged = forgedCredential();
        JsonNode who = whoami(person("mallory", forged, "forged"), "whoami-api-forged");
        assertEquals("invalid_certificate", who.path("error").asText(), who.toString());
        assertTrue(who.path("message").asText().contains("CN=Mallory"), who.toString());
    }

    /** A .p12 of "CN=Mallory" issued by a self-made CA that bears the demo CA's name. */
    private Path forgedCredential() throws Exception {
        Path dir = Files.createDirectories(homes.resolve("forger"));
        String script = String.join(" && ",
                "openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2"
                        + " -subj '/O=Sandgate Demo/CN=Sandgate Demo CA'",
                "openssl req -newkey rsa:2048 -nodes -keyout user.key -out user.csr -subj '/O=Sandgate Demo/OU=People/CN=Mallory'",
                "openssl x509 -req -in user.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out user.pem -days 2",
                "openssl pkcs12 -export -in user.pem -inkey user.key -certfile ca.pem -out user.p12 -passout pass:forged");
        Account.Result r = Account.asTests(dir, "bash", "-c", script);
        assertEquals(0, r.exit(), r.toString());
        return dir.resolve("user.p12");
    }
}
