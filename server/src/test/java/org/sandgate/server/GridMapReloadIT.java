package org.sandgate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sandgate.server.testkit.Await;
import org.sandgate.server.testkit.Https;
import org.sandgate.server.testkit.TestPki;
import org.sandgate.server.testkit.TestServer;

/** The grid-mapfile is re-read while the server runs, and a broken or missing one maps nobody. */
class GridMapReloadIT {
    @TempDir
    Path dir;

    private static Https.Reply waitFor(Https https, TestServer server, Predicate<Https.Reply> done) throws Exception {
        return Await.value(Duration.ofSeconds(5), () -> https.get(server.https("/api/v1/whoami")), done);
    }

    @Test
    void changesTakeEffectWithinFiveSecondsWithoutRestart() throws Exception {
        TestPki pki = TestPki.create(dir);
        TestPki.Credential erin = pki.strongUser("Erin");
        pki.config(pki.baseConfig());
        try (TestServer server = TestServer.start(pki.conf)) {
            Https https = new Https(erin, pki.strong.certificate());
            assertTrue(https.get(server.https("/api/v1/whoami")).json().get("account").isNull());

            pki.map(erin.dn(), "erin");
            Https.Reply mapped = waitFor(https, server, r -> !r.json().get("account").isNull());
            assertEquals("erin", mapped.json().get("account").asText(), "mapped within 5 s");

            Path gridmap = pki.conf.resolve("grid-mapfile");
            Files.writeString(gridmap, "junk line\n\"/O=broken\n" + Files.readString(gridmap).replace("erin", "erin2"));
            Https.Reply remapped = waitFor(https, server, r -> r.json().path("account").asText().equals("erin2"));
            assertEquals("erin2", remapped.json().get("account").asText(), "good lines load beside junk");

            Files.delete(gridmap);
            Https.Reply gone = waitFor(https, server, r -> r.json().get("account").isNull());
            assertTrue(gone.json().get("account").isNull(), "a missing file maps nobody");
            assertEquals(200, https.get(server.https("/health")).status(), "and the server stays up");

            pki.map(erin.dn(), "erin3");
            Https.Reply back = waitFor(https, server, r -> !r.json().get("account").isNull());
            assertEquals("erin3", back.json().get("account").asText(), "a file that comes back is read");
        }
    }

    @Test
    void dnPatternRulesAndCommunityAccountsApplyPerTier() throws Exception {
        TestPki pki = TestPki.create(dir);
        TestPki.Credential physicist = pki.strongUser("Phil");
        TestPki.Credential other = pki.strongUser("Olga");
        TestPki.Credential weakUser = pki.weakUser("Walt");
        pki.map(weakUser.dn(), "walt");
        pki.config("""
                tiers:
                  weak_issuers: ["%s"]
                  accounts:
                    anonymous: "account:guest"
                    weak: "account:community"
                    strong:
                      - {dn: "%s/OU=People/CN=Ph*", account: physics}
                      - gridmap
                """.formatted(TestPki.WEAK_CA, pki.strong.namespace()));
        try (TestServer server = TestServer.start(pki.conf)) {
            assertEquals("physics", new Https(physicist, pki.strong.certificate())
                    .get(server.https("/api/v1/whoami")).json().get("account").asText());
            assertTrue(new Https(other, pki.strong.certificate())
                    .get(server.https("/api/v1/whoami")).json().get("account").isNull());
            assertEquals("community", new Https(weakUser, pki.strong.certificate())
                    .get(server.https("/api/v1/whoami")).json().get("account").asText());
            assertEquals("guest", new Https(null, pki.strong.certificate())
                    .get(server.https("/api/v1/whoami")).json().get("account").asText());
        }
    }
}
