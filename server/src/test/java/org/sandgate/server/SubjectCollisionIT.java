package org.sandgate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sandgate.server.testkit.Https;
import org.sandgate.server.testkit.TestPki;
import org.sandgate.server.testkit.TestServer;

/**
 * Distinct subjects whose OpenSSL slash forms are the same string, all signed by a trusted CA: an
 * {@code OU} whose value is {@code People/CN=Alice}, a CN {@code Mallory/CN=Alice} beside a real
 * two-CN subject, a multi-valued RDN, the literal text {@code M\xC3\xBCller} beside a UTF-8
 * {@code Müller}. None of them is taken for the other: ownership, admins, bans and accounts compare
 * the canonical form, and an ambiguous slash form matches no grid-mapfile line and gets no account
 * ({@code 403 ambiguous_subject}) unless {@code identity.ambiguous_subjects: allow}, and then only
 * from a fixed account rule. A session stored by the earlier version (slash form only) still belongs
 * to its owner.
 */
class SubjectCollisionIT {
    @TempDir
    static Path dir;
    static TestPki pki;
    static TestServer server;
    static ChainBuilder.Ca ca;
    static TestPki.Credential alice;
    static TestPki.Credential ouCollider;
    static TestPki.Credential twoCns;
    static TestPki.Credential cnCollider;
    static TestPki.Credential multiValued;
    static TestPki.Credential mueller;
    static TestPki.Credential literalMueller;
    static String oldSession = "0123456789abcdef0123456789abcdef";

    @BeforeAll
    static void start() throws Exception {
        pki = TestPki.create(dir);
        ca = TierByPathIT.asChainCa(pki, "ca-strong", pki.strong.certificate());
        alice = ca.user(ChainBuilder.name("O", "Sandgate Test", "OU", "People", "CN", "Alice"));
        ouCollider = ca.user(ChainBuilder.name("O", "Sandgate Test", "OU", "People/CN=Alice"));
        twoCns = ca.user(ChainBuilder.name("O", "Sandgate Test", "OU", "People", "CN", "Mallory", "CN", "Alice"));
        cnCollider = ca.user(ChainBuilder.name("O", "Sandgate Test", "OU", "People", "CN", "Mallory/CN=Alice"));
        multiValued = ca.user(ChainBuilder.name(ChainBuilder.rdn(ChainBuilder.ava("O", "Sandgate Test")),
                ChainBuilder.rdn(ChainBuilder.ava("OU", "People")),
                ChainBuilder.rdn(ChainBuilder.ava("CN", "x"), ChainBuilder.ava("CN", "Alice"))));
        mueller = ca.user(ChainBuilder.name("O", "Sandgate Test", "OU", "People", "CN", "M\u00fcller"));
        literalMueller = ca.user(ChainBuilder.name("O", "Sandgate Test", "OU", "People", "CN", "M\\xC3\\xBCller"));
        assertEquals(alice.dn(), ouCollider.dn(), "the test needs colliding slash forms");
        assertEquals(twoCns.dn(), cnCollider.dn());
        assertEquals(mueller.dn(), literalMueller.dn());
        pki.map(alice.dn(), "alice");
        pki.map(twoCns.dn(), "mallory");
        pki.map(mueller.dn(), "mueller");
        pki.deploy(TestPki.SLEEPY_JAR);
        oldStoreWithASessionOf(alice.dn());
        configure("");
        server = TestServer.start(pki.conf);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    static void configure(String more) throws Exception {
        configure("", more);
    }

    static void configure(String tiers, String more) throws Exception {
        pki.config("tiers:\n  weak_issuers: [\"" + TestPki.WEAK_CA + "\"]\n" + tiers + "tls:\n  refresh_seconds: 1\n"
                + "admins: [\"" + alice.dn() + "\"]\n" + more);
        if (server != null) {
            Https.Reply r = post(alice, "/api/v1/admin/reload", "");
            assertEquals(200, r.status(), r.body());
        }
    }

    /** A session store as the earlier version wrote it (no owner key), with one session of this owner. */
    static void oldStoreWithASessionOf(String owner) throws Exception {
        Path db = dir.resolve("var/state/sessions.db");
        Files.createDirectories(db.getParent());
        Files.createDirectories(dir.resolve("var/sandboxes").resolve(oldSession));
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE sessions (id TEXT PRIMARY KEY, service TEXT NOT NULL, "
                    + "method TEXT NOT NULL, owner TEXT NOT NULL, account TEXT NOT NULL, tier TEXT NOT NULL, "
                    + "cost REAL NOT NULL, state TEXT NOT NULL, exit_code INTEGER, backend TEXT NOT NULL, "
                    + "backend_job_id TEXT, message TEXT, created TEXT NOT NULL, updated TEXT NOT NULL)");
            st.execute("CREATE TABLE jobs (id TEXT PRIMARY KEY, spec TEXT NOT NULL)");
            st.execute("INSERT INTO sessions VALUES ('" + oldSession + "', 'sleepy', 'add', '" + owner + "', "
                    + "'alice', 'strong', 1.0, 'DONE', 0, 'local', NULL, NULL, "
                    + "'" + java.time.Instant.now() + "', '" + java.time.Instant.now() + "')");
        }
    }

    static Https.Reply get(TestPki.Credential who, String path) throws Exception {
        return new Https(who, pki.strong.certificate()).get(server.https(path));
    }

    static Https.Reply post(TestPki.Credential who, String path, String body) throws Exception {
        return new Https(who, pki.strong.certificate()).send(HttpRequest.newBuilder(server.https(path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    static void assertAmbiguous(TestPki.Credential who) throws Exception {
        Https.Reply w = get(who, "/api/v1/whoami");
        assertEquals(200, w.status(), w.body());
        assertTrue(w.json().get("account").isNull(), "no grid-mapfile line matches: " + w.body());
        Https.Reply job = post(who, "/api/v1/services/sleepy/add", "{\"args\": [0, 1, 2]}");
        assertEquals(403, job.status(), job.body());
        assertEquals("ambiguous_subject", job.error(), job.body());
        assertTrue(job.json().path("message").asText().contains("ambiguous"), job.body());
        assertEquals("ambiguous_subject", post(who, "/api/v1/tokens", "").error());
    }

    @Test
    void anOuThatSpellsAlicesDnIsNotAlice() throws Exception {
        String mine = post(alice, "/api/v1/services/sleepy/add", "{\"args\": [0, 1, 2]}").json().path("session").asText();
        assertEquals(200, get(alice, "/api/v1/sessions/" + mine).status());
        assertAmbiguous(ouCollider);
        assertEquals(0, get(ouCollider, "/api/v1/sessions").json().get("sessions").size(), "no sessions of Alice");
        assertEquals(404, get(ouCollider, "/api/v1/sessions/" + mine).status());
        assertEquals(404, get(ouCollider, "/api/v1/sessions/" + oldSession).status());
        assertEquals(403, get(ouCollider, "/api/v1/admin/bans").status(), "not an admin either");
        assertEquals(200, get(alice, "/api/v1/admin/bans").status(), "Alice is");
    }

    @Test
    void aCnThatSpellsTwoCnsIsNotTheTwoCnSubject() throws Exception {
        assertEquals("mallory", get(twoCns, "/api/v1/whoami").json().get("account").asText());
        assertAmbiguous(cnCollider);
    }

    @Test
    void aMultiValuedRdnIsAmbiguous() throws Exception {
        assertAmbiguous(multiValued);
    }

    @Test
    void literalHexEscapesAreNotTheUtf8Name() throws Exception {
        assertEquals("mueller", get(mueller, "/api/v1/whoami").json().get("account").asText());
        assertAmbiguous(literalMueller);
    }

    @Test
    void aBanOfOneSubjectInRfc2253FormLeavesItsSlashTwinAlone() throws Exception {
        String exact = ouCollider.chain()[0].getSubjectX500Principal().getName();
        Https.Reply ban = new Https(alice, pki.strong.certificate()).send(HttpRequest.newBuilder(
                server.https("/api/v1/admin/bans")).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(new com.fasterxml.jackson.databind.ObjectMapper()
                        .writeValueAsString(java.util.Map.of("dn", exact, "reason", "test")))).build());
        assertEquals(200, ban.status(), ban.body());
        try {
            assertEquals(403, get(ouCollider, "/api/v1/whoami").status());
            assertEquals(200, get(alice, "/api/v1/whoami").status(), "Alice is not banned");
        } finally {
            new Https(alice, pki.strong.certificate()).send(HttpRequest.newBuilder(server.https(
                    "/api/v1/admin/bans?dn=" + java.net.URLEncoder.encode(exact, java.nio.charset.StandardCharsets.UTF_8)))
                    .DELETE().build());
        }
    }

    @Test
    void aSessionStoredByTheEarlierVersionStillBelongsToItsOwner() throws Exception {
        assertEquals(200, get(alice, "/api/v1/sessions/" + oldSession).status());
        assertTrue(get(alice, "/api/v1/sessions").body().contains(oldSession));
        assertTrue(!get(ouCollider, "/api/v1/sessions").body().contains(oldSession));
    }

    @Test
    void allowingAmbiguousSubjectsGivesThemOnlyFixedAccounts() throws Exception {
        try {
            configure("identity:\n  ambiguous_subjects: allow\n");
            assertTrue(get(ouCollider, "/api/v1/whoami").json().get("account").isNull(), "still no grid-mapfile match");
            assertEquals("ambiguous_subject", post(ouCollider, "/api/v1/services/sleepy/add", "{\"args\": [0, 1, 2]}")
                    .error());
            configure("  accounts:\n    strong: [gridmap, \"account:guest\"]\n", "identity:\n  ambiguous_subjects: allow\n");
            Https.Reply w = get(ouCollider, "/api/v1/whoami");
            assertEquals("guest", w.json().get("account").asText(), w.body());
            assertEquals("alice", get(alice, "/api/v1/whoami").json().get("account").asText());
            configure("  accounts:\n    strong: [gridmap, \"account:guest\"]\n", "identity:\n  ambiguous_subjects: refuse\n");
            assertAmbiguous(ouCollider);
        } finally {
            configure("");
        }
        assertNotEquals("guest", get(alice, "/api/v1/whoami").json().get("account").asText());
    }
}
