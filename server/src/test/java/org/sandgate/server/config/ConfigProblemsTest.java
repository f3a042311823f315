package org.sandgate.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind of problem a {@code sandgate.yaml} can have, one fixture each under
 * {@code config-problems/}: the fixture's first line says the one problem expected, with its line,
 * in the words the administrator reads.
 */
class ConfigProblemsTest {
    private static final Path FIXTURES = fixtures();
    private final ConfigLoader loader = new ConfigLoader();

    private static Path fixtures() {
        try {
            return Path.of(ConfigProblemsTest.class.getResource("/config-problems").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Stream<String> fixturesWithOneProblem() throws IOException {
        try (Stream<Path> files = Files.list(FIXTURES)) {
            return files.map(f -> f.getFileName().toString())
                    .filter(n -> n.endsWith(".yaml") && !n.equals("several-problems.yaml")).sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("fixturesWithOneProblem")
    void eachProblemIsReportedAloneWithItsLineInPlainWords(String name) throws IOException {
        Path file = FIXTURES.resolve(name);
        String expected = Files.readAllLines(file).get(0).replaceFirst("^# expect: ", "");
        ConfigLoader.Report report = loader.read(file);
        assertEquals(List.of(expected), report.problems(), name);
        assertNoInternals(report.problems());
    }

    @Test
    void everyProblemOfOneFileIsReportedAtOnceInLineOrder() {
        ConfigLoader.Report report = loader.read(FIXTURES.resolve("several-problems.yaml"));
        assertEquals(List.of(
                "line 2: key 'mode': 'sharde' is not one of: personal, shared",
                "line 4: unknown key 'tiers.limit' (known keys here: accounts, limits, weak_issuers)",
                "line 6: key 'tiers.limits.weak': expected a whole number, found 'lots'",
                "line 7: key 'tiers.limits.anonymous': -5 is not a ceiling (use a number of CPU-seconds, or -1 for none)",
                "line 9: key 'sandbox.retention_days': a list is not a whole number of days (the new key "
                        + "'sandbox.retention' takes a duration such as 500ms, 2s, 5m, 1h or 7d)",
                "line 10: unknown key 'sandbox.publik' (known keys here: max_archive_builds, public, retention, sweep_interval)",
                "line 13: key 'developers[1]': expected text, found nothing (an empty value)",
                "line 15: key 'batch.default': 'condor' is not one of: local, slurm, pbs, drmaa",
                "line 17: key 'server.https_port': 70000 is not a port (0 to 65535)",
                "line 19: a tab character: YAML indents with spaces only",
                "line 21: key 'gridmap.reload_interval': must be at least 1s"), report.problems());
        assertNoInternals(report.problems());
    }

    @Test
    void theKeysThatCouldBeReadAreKeptAndTheOthersTakeTheirDefaults() {
        ConfigLoader.Report report = loader.inspect("sandgate.yaml", """
                tls:
                  host_cert: site/hostcert.pem
                  trust_dir: /etc/grid-security/certificates
                  refresh_seconds: often
                gridmap:
                  file: [not, a, path
                """);
        assertEquals(2, report.problems().size(), report.problems().toString());
        assertEquals("site/hostcert.pem", report.config().tls().hostCert());
        assertEquals("/etc/grid-security/certificates", report.config().tls().trustDir());
        assertEquals(SandgateConfig.defaults().tls().refreshInterval(), report.config().tls().refreshInterval());
        assertEquals(SandgateConfig.defaults().gridmap().file(), report.config().gridmap().file());
    }

    @Test
    void badEntriesOfOneListAreEachReportedWithTheirOwnLineAndNumber() {
        ConfigLoader.Report report = loader.inspect("sandgate.yaml", """
                tiers:
                  accounts:
                    strong:
                      - gridmap
                      - everyone
                      - {dn: "/O=Grid/*", account: grid}
                      - [a, list]
                """);
        assertEquals(List.of(
                "line 5: key 'tiers.accounts.strong[1]': 'everyone' is not an account rule: expected 'gridmap', "
                        + "'account:NAME' or {dn: PATTERN, account: NAME}",
                "line 7: key 'tiers.accounts.strong[3]': a list is not an account rule: expected 'gridmap', "
                        + "'account:NAME' or {dn: PATTERN, account: NAME}"), report.problems());
    }

    @Test
    void aKeyWithNothingAfterItKeepsItsDefaultButQuotedEmptyTextIsText() {
        ConfigLoader.Report report = loader.inspect("sandgate.yaml", "sandbox:\nbatch:\n  slurm:\n    partition: ''\n");
        assertTrue(report.problems().isEmpty(), report.problems().toString());
        assertEquals(SandgateConfig.defaults().sandbox(), report.config().sandbox());
        assertEquals("", report.config().batch().slurm().partition());
    }

    @Test
    void aFileWithoutProblemsLoadsAsBefore() {
        ConfigLoader.Report report = loader.inspect("sandgate.yaml", "mode: personal\nsandbox:\n  retention_days: 3\n");
        assertTrue(report.problems().isEmpty(), report.problems().toString());
        assertEquals(java.time.Duration.ofDays(3), report.config().sandbox().retention());
    }

    @Test
    void theShippedConfigurationHasNoProblem() {
        ConfigLoader.Report report = loader.read(Path.of("..", "conf", "sandgate.yaml"));
        assertTrue(report.problems().isEmpty(), report.problems().toString());
    }

    private static void assertNoInternals(List<String> problems) {
        for (String p : problems) {
            assertFalse(p.matches("(?s).*(java\\.|jackson|snakeyaml|Exception|deserializ|Cannot |token\\b|<block).*"),
                    "internals in: " + p);
        }
    }
}
