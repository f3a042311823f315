package org.sandgate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import eu.emi.security.authn.x509.proxy.ProxyCertificate;
import eu.emi.security.authn.x509.proxy.ProxyCertificateOptions;
import eu.emi.security.authn.x509.proxy.ProxyGenerator;
import eu.emi.security.authn.x509.proxy.ProxyPolicy;
import eu.emi.security.authn.x509.proxy.ProxyType;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sandgate.server.testkit.Https;
import org.sandgate.server.testkit.Site;
import org.sandgate.server.testkit.TestPki;
import org.sandgate.server.testkit.Tools;

/**
 * Proxies with their grid meaning, through real HTTPS and with proxies made by the real
 * grid-proxy-init as well as by canl: a limited proxy authenticates and reads but launches nothing,
 * deploys nothing, administers nothing and obtains no token (as Globus GRAM refuses job submission
 * with one); an independent proxy is refused unless the site accepts it; an unknown policy language
 * is always refused. Each value of {@code proxies.limited} and {@code proxies.independent} is tried.
 */
class ProxyPolicyIT {
    @RegisterExtension
    static final Site site = Site.with().user("Alice").deploy(TestPki.ECHO_JAR).deploy(TestPki.SLEEPY_JAR)
            .config(s -> "admins: [\"" + s.dn("Alice") + "\"]\ndevelopers: [\"" + s.dn("Alice") + "\"]\n")
            .before(s -> s.user("Alice").write(s.dir().resolve("alice"))).build();
    static final TestPki pki = site.pki();
    static final Path dir = site.dir();
    static final TestPki.Credential alice = site.user("Alice");
    static final Path aliceCert = dir.resolve("alice/usercert.pem");
    static final Path aliceKey = dir.resolve("alice/userkey.pem");

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Writes the configuration (alice is admin and developer) with these proxy rules, and reloads. */
    static void configure(String proxies) throws Exception {
        pki.config(pki.baseConfig() + "admins: [\"" + alice.dn() + "\"]\ndevelopers: [\"" + alice.dn() + "\"]\n"
                + proxies);
        Https.Reply r = post(alice, "/api/v1/admin/reload", "");
        assertEquals(200, r.status(), r.body());
    }

    static Https.Reply get(TestPki.Credential who, String path) throws Exception {
        return site.as(who).get(site.server().https(path));
    }

    static Https.Reply post(TestPki.Credential who, String path, String body) throws Exception {
        return site.as(who).send(HttpRequest.newBuilder(site.server().https(path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    static Https.Reply put(TestPki.Credential who, String path, byte[] body) throws Exception {
        return site.as(who).send(HttpRequest.newBuilder(site.server().https(path))
                .header("Content-Type", "application/octet-stream").PUT(HttpRequest.BodyPublishers.ofByteArray(body))
                .build());
    }

    static TestPki.Credential canlProxy(TestPki.Credential parent, ProxyType type, boolean limited,
                                        String policyOid) throws Exception {
        ProxyCertificateOptions options = new ProxyCertificateOptions(parent.chain());
        options.setType(type);
        options.setLifetime(3600);
        options.setLimited(limited);
        if (policyOid != null) {
            options.setPolicy(new ProxyPolicy(policyOid));
        }
        ProxyCertificate pc = ProxyGenerator.generate(options, parent.key());
        return new TestPki.Credential(pc.getCertificateChain(), pc.getPrivateKey());
    }

    /** Everything a limited proxy may not do answers 403 limited_proxy; reading still works. */
    static void assertReadsButLaunchesNothing(TestPki.Credential limited) throws Exception {
        Https.Reply who = get(limited, "/api/v1/whoami");
        assertEquals(200, who.status(), who.body());
        assertTrue(who.json().get("proxy").asBoolean(), who.body());
        assertTrue(who.json().get("proxy_limited").asBoolean(), who.body());
        assertEquals("limited", who.json().get("proxy_policy").asText(), who.body());
        assertTrue(who.json().get("launch_refused").asBoolean(), who.body());
        String session = post(alice, "/api/v1/services/sleepy/add", "{\"args\": [0, 1, 2]}").json()
                .path("session").asText();
        assertFalse(session.isEmpty(), "the full certificate launches");
        assertEquals(200, get(limited, "/api/v1/sessions").status(), "reading the session list");
        assertEquals(200, get(limited, "/api/v1/sessions/" + session).status(), "reading a session's status");
        assertLimitedProxy(post(limited, "/api/v1/services/sleepy/add", "{\"args\": [0, 1, 2]}"), "launch jobs");
        assertLimitedProxy(post(limited, "/api/v1/services/echo/echo", "{\"args\": [\"hi\"]}"), "call services");
        assertLimitedProxy(post(limited, "/api/v1/tokens", ""), "token");
        assertLimitedProxy(put(limited, "/api/v1/admin/services/echo.copy",
                Files.readAllBytes(TestPki.ECHO_JAR)), "deploy");
        assertLimitedProxy(post(limited, "/api/v1/admin/reload", ""), "administer");
        // stopping work costs nothing: a limited proxy may cancel and remove its owner's session, as a GRAM
        // job manager lets a limited proxy manage a job that exists
        Https.Reply cancelled = site.as(limited).send(HttpRequest.newBuilder(
                site.server().https("/api/v1/sessions/" + session)).DELETE().build());
        assertEquals(204, cancelled.status(), cancelled.body());
    }

    static void assertLimitedProxy(Https.Reply r, String what) {
        assertEquals(403, r.status(), what + ": " + r.body());
        assertEquals("limited_proxy", r.error(), what + ": " + r.body());
        assertTrue(r.json().path("message").asText().contains(what), what + ": " + r.body());
    }

    @Test
    void fullProxyLaunchesJobs() throws Exception {
        TestPki.Credential full = canlProxy(alice, ProxyType.RFC3820, false, null);
        Https.Reply who = get(full, "/api/v1/whoami");
        assertEquals("inherit_all", who.json().get("proxy_policy").asText(), who.body());
        assertFalse(who.json().get("launch_refused").asBoolean(), who.body());
        assertEquals(201, post(full, "/api/v1/services/sleepy/add", "{\"args\": [0, 1, 2]}").status());
    }

    @Test
    void rfc3820LimitedProxyReadsButLaunchesNothing() throws Exception {
        assertReadsButLaunchesNothing(canlProxy(alice, ProxyType.RFC3820, true, null));
    }

    @Test
    void legacyLimitedProxyReadsButLaunchesNothing() throws Exception {
        TestPki.Credential legacy = canlProxy(alice, ProxyType.LEGACY, true, null);
        assertEquals("legacy", get(legacy, "/api/v1/whoami").json().get("proxy_type").asText());
        assertReadsButLaunchesNothing(legacy);
    }

    @Test
    void fullProxyMadeFromALimitedProxyNeverLaunches() throws Exception {
        TestPki.Credential limited = canlProxy(alice, ProxyType.RFC3820, true, null);
        for (ProxyType below : List.of(ProxyType.RFC3820, ProxyType.LEGACY)) {
            TestPki.Credential full = canlProxy(limited, below, false, null);
            Https.Reply who = get(full, "/api/v1/whoami");
            if (who.status() == 200) {
                assertReadsButLaunchesNothing(full);
            } else {
                // canl refuses an unlimited proxy below a limited one outright
                assertEquals(401, who.status(), who.body());
                assertTrue(who.json().path("message").asText().contains("limited"), who.body());
                assertEquals(401, post(full, "/api/v1/services/sleepy/add", "{\"args\": [0, 1, 2]}").status());
            }
        }
    }

    @Test
    void gridProxyInitProxiesHaveTheirGridMeaning() throws Exception {
        Tools.require("grid-proxy-init");
        assertReadsButLaunchesNothing(gridProxy("-rfc", "-limited"));
        assertReadsButLaunchesNothing(gridProxy("-old", "-limited"));
        for (String kind : List.of("-rfc", "-old")) {
            TestPki.Credential full = gridProxy(kind);
            assertEquals(201, post(full, "/api/v1/services/sleepy/add", "{\"args\": [0, 1, 2]}").status(), kind);
        }
        TestPki.Credential independent = gridProxy("-independent");
        Https.Reply refused = get(independent, "/api/v1/whoami");
        assertEquals(401, refused.status(), refused.body());
        assertEquals("invalid_certificate", refused.error());
        assertTrue(refused.json().path("message").asText().contains("independent"), refused.body());
    }

    @Test
    void gridProxyInitProxyWithAnUnknownPolicyLanguageIsRefused() throws Exception {
        Tools.require("grid-proxy-init");
        Path policy = dir.resolve("policy.txt");
        Files.writeString(policy, "some policy\n");
        TestPki.Credential odd = gridProxy("-rfc", "-policy", policy.toString(), "-pl", "1.3.6.1.4.1.99999.1");
        Https.Reply r = get(odd, "/api/v1/whoami");
        assertEquals(401, r.status(), r.body());
        assertTrue(r.json().path("message").asText().contains("1.3.6.1.4.1.99999.1"), r.body());
    }

    @Test
    void eachValueOfTheProxyKeysIsHonoured() throws Exception {
        TestPki.Credential limited = canlProxy(alice, ProxyType.RFC3820, true, null);
        TestPki.Credential independent = canlProxy(alice, ProxyType.RFC3820, false, ProxyPolicy.INDEPENDENT_POLICY_OID);
        try {
            configure("proxies:\n  limited: accept\n  independent: accept\n");
            Https.Reply who = get(limited, "/api/v1/whoami");
            assertFalse(who.json().get("launch_refused").asBoolean(), who.body());
            assertEquals(201, post(limited, "/api/v1/services/sleepy/add", "{\"args\": [0, 1, 2]}").status());
            Https.Reply ind = get(independent, "/api/v1/whoami");
            assertEquals(200, ind.status(), ind.body());
            assertEquals("independent", ind.json().get("proxy_policy").asText(), ind.body());

            configure("proxies:\n  limited: refuse\n");
            Https.Reply refused = get(limited, "/api/v1/whoami");
            assertEquals(403, refused.status(), refused.body());
            assertEquals("limited_proxy", refused.error(), refused.body());
            assertEquals(401, get(independent, "/api/v1/whoami").status(), "independent: refuse is the default");

            configure("proxies:\n  limited: refuse_jobs\n  independent: refuse\n");
            assertLimitedProxy(post(limited, "/api/v1/services/sleepy/add", "{\"args\": [0, 1, 2]}"), "launch jobs");
            assertEquals(200, get(limited, "/api/v1/whoami").status());
        } finally {
            configure("");
        }
    }

    @Test
    void whoamiKeepsTheProxyFieldAndAddsTheIssuerChain() throws Exception {
        JsonNode plain = get(alice, "/api/v1/whoami").json();
        assertFalse(plain.get("proxy").asBoolean());
        assertFalse(plain.has("proxy_policy"), plain.toString());
        assertEquals(List.of(TestPki.STRONG_CA), JSON.convertValue(plain.get("issuer_chain"), List.class));
    }

    /** A proxy of alice made by grid-proxy-init with these options. */
    static TestPki.Credential gridProxy(String... options) throws Exception {
        Path out = Files.createTempFile(dir, "x509up", ".pem");
        Files.delete(out);
        List<String> argv = new java.util.ArrayList<>(List.of("grid-proxy-init", "-q", "-valid", "1:00",
                "-cert", aliceCert.toString(), "-key", aliceKey.toString(), "-out", out.toString()));
        argv.addAll(List.of(options));
        Tools.Result made = Tools.run(dir, null, argv.toArray(new String[0]));
        assertEquals(0, made.exit(), made.toString());
        return Proxies.readPem(out);
    }
}
