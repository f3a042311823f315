package org.sandgate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Isolated;
import org.sandgate.server.plugins.BatchLab;
import org.sandgate.server.testkit.Https;
import org.sandgate.server.testkit.Site;
import org.sandgate.server.testkit.TestPki;

/**
 * Batch systems that refuse: a PBS queue that does not exist (qsub fails), a DRMAA library that
 * does not exist and one that is not DRMAA. The caller gets 503 backend_unavailable with the back
 * end's words, and nothing is left behind.
 */
@Isolated("uses the host's batch systems, and may start them")
@Tag("batch")
class BatchRefusalIT {
    @RegisterExtension
    static final Site site = Site.with().user("Alice")
            .before(s -> {
                Path services = s.pki().conf.resolve("services");
                PluginJar.build(services.resolve("pbs-lab.jar"), BatchLab.OnPbs.class, BatchLab.class);
                PluginJar.build(services.resolve("drmaa-lab.jar"), BatchLab.OnDrmaa.class, BatchLab.class);
            })
            .config("""
                    batch:
                      services: {lab.pbs: pbs, lab.drmaa: drmaa}
                      pbs:
                        bin_dir: %s
                        queue: nosuchqueue
                      drmaa:
                        library: /nonexistent/libdrmaa.so.1.0
                    """.formatted(BatchSystems.PBS_BIN)).build();
    static final TestPki pki = site.pki();
    static final Path dir = site.dir();
    static final TestPki.Credential alice = site.user("Alice");

    static Https.Reply call(String backend) throws Exception {
        return site.as(alice).send(HttpRequest.newBuilder(
                site.server().https("/api/v1/services/lab/" + backend + "/exit"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"args\": [0]}"))
                .build());
    }

    static long sandboxes() throws Exception {
        try (Stream<Path> s = Files.list(pki.root.resolve("var").resolve("sandboxes"))) {
            return s.count();
        }
    }

    @Test
    void aQsubThatFailsGives503WithItsMessageAndLeavesNothing() throws Exception {
        BatchSystems.require("pbs");
        Https.Reply r = call("pbs");
        assertEquals(503, r.status(), r.body());
        assertEquals("backend_unavailable", r.error());
        String message = r.json().path("message").asText();
        assertTrue(message.startsWith("pbs: qsub: ") && message.toLowerCase().contains("partition"), message);
        assertEquals(0, sandboxes());
    }

    @Test
    void aDrmaaLibraryThatCannotBeLoadedGives503SayingWhy() throws Exception {
        Https.Reply r = call("drmaa");
        assertEquals(503, r.status(), r.body());
        assertEquals("backend_unavailable", r.error());
        assertEquals("drmaa: the DRMAA library /nonexistent/libdrmaa.so.1.0 does not exist or cannot be read",
                r.json().path("message").asText());
        assertEquals(0, sandboxes());
    }
}
