package org.sandgate.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sandgate.batch.BackendName;
import org.sandgate.service.Tier;

class ConfigLoaderTest {
    private final ConfigLoader loader = new ConfigLoader();

    private ConfigException refused(String yaml) {
        return assertThrows(ConfigException.class, () -> loader.parse("sandgate.yaml", yaml));
    }

    @Test
    void theContractExampleParses() {
        SandgateConfig c = loader.parse("sandgate.yaml", """
                mode: personal
                anonymous: true
                tiers:
                  weak_issuers:
                    - "/C=US/O=Example VO/CN=Example VO CA"
                  limits:
                    anonymous: 60
                    weak: 3600
                    strong: -1
                  accounts:
                    anonymous: "account:nobody"
                    weak: gridmap
                    strong: gridmap
                sandbox:
                  public: true
                  retention_days: 7
                batch:
                  default: local
                """);
        assertEquals(SandgateConfig.Mode.PERSONAL, c.mode());
        assertTrue(c.anonymousAllowed());
        assertEquals(List.of("/C=US/O=Example VO/CN=Example VO CA"), c.tiers().weakIssuers());
        assertEquals(60, c.tiers().limits().of(Tier.ANONYMOUS));
        assertEquals(-1, c.tiers().limits().of(Tier.STRONG));
        assertEquals(List.of(new AccountRule.Fixed("nobody")), c.tiers().accounts().anonymous());
        assertEquals(List.of(new AccountRule.Gridmap()), c.tiers().accounts().strong());
        assertTrue(c.sandbox().publicUrls());
        assertEquals(Duration.ofDays(7), c.sandbox().retention());
        assertEquals(BackendName.LOCAL, c.batch().defaultBackend());
    }

    @Test
    void everyKeyIsOptional() {
        SandgateConfig c = loader.parse("sandgate.yaml", "");
        assertEquals(SandgateConfig.defaults(), c);
        assertEquals(8443, c.server().httpsPort());
        assertEquals(8080, c.server().httpPort());
        assertEquals(3600, c.tiers().limits().weak());
    }

    @Test
    void aMissingFileMeansDefaults(@TempDir Path dir) {
        assertEquals(SandgateConfig.defaults(), loader.load(dir.resolve("sandgate.yaml")));
    }

    @Test
    void accountRulesMayBeAListWithDnPatterns() {
        SandgateConfig c = loader.parse("x", """
                tiers:
                  accounts:
                    strong:
                      - {dn: "/O=Grid/OU=Physics/*", account: physics}
                      - gridmap
                """);
        assertEquals(List.of(new AccountRule.DnPattern("/O=Grid/OU=Physics/*", "physics"), new AccountRule.Gridmap()),
                c.tiers().accounts().strong());
    }

    @Test
    void anUnknownKeyIsNamedWithItsLine() {
        ConfigException e = refused("""
                mode: personal
                tiers:
                  limit:
                    weak: 5
                """);
        assertEquals(1, e.problems().size());
        String p = e.problems().get(0);
        assertTrue(p.startsWith("line 3: unknown key 'tiers.limit'"), p);
        assertTrue(p.contains("limits"), "lists the known keys: " + p);
    }

    @Test
    void aWrongTypeIsNamedWithItsKey() {
        String p = refused("tiers:\n  limits:\n    weak: lots\n").problems().get(0);
        assertTrue(p.contains("line 3") && p.contains("'tiers.limits.weak'") && p.contains("whole number"), p);
    }

    @Test
    void aWrongEnumValueListsTheAllowedOnes() {
        String p = refused("mode: sharde\n").problems().get(0);
        assertTrue(p.contains("'mode'") && p.contains("personal, shared"), p);
        String tls = refused("tls:\n  provider: openssl\n").problems().get(0);
        assertTrue(tls.contains("'tls.provider'") && tls.contains("auto, conscrypt, jdk"), tls);
    }

    @Test
    void aBadAccountRuleIsExplained() {
        String p = refused("tiers:\n  accounts:\n    weak: everyone\n").problems().get(0);
        assertTrue(p.contains("tiers.accounts.weak") && p.contains("account:NAME"), p);
    }

    @Test
    void everyValueProblemIsReportedAtOnce() {
        ConfigException e = refused("""
                tiers:
                  limits:
                    weak: -7
                  accounts:
                    anonymous: "account:root"
                sandbox:
                  retention_days: -1
                batch:
                  default: condor
                server:
                  https_port: 70000
                """);
        assertEquals(5, e.problems().size(), e.problems().toString());
        assertTrue(e.getMessage().startsWith("sandgate.yaml: "));
    }

    @Test
    void duplicateKeysAreRefused() {
        String p = refused("mode: personal\nmode: shared\n").problems().get(0);
        assertTrue(p.contains("mode"), p);
    }

    @Test
    void invalidYamlIsRefusedWithItsLine() {
        String p = refused("tiers:\n  limits: [\n").problems().get(0);
        assertTrue(p.startsWith("line "), p);
    }

    @Test
    void httpPortZeroDisablesThePlainPort() {
        SandgateConfig c = loader.parse("x", "server:\n  http_port: 0\n");
        assertEquals(0, c.server().httpPort());
        assertFalse(ConfigLoader.check(c).iterator().hasNext());
    }

    @Test
    void theWallClockRuleOfEveryBackEndIsReadFromBatch() {
        SandgateConfig c = loader.parse("x", "batch:\n  wall_factor: 3.0\n  wall_grace: 2m\n");
        assertEquals(3.0, c.batch().wallFactor());
        assertEquals(Duration.ofMinutes(2), c.batch().wallGrace());
        assertEquals(Duration.ofSeconds(3 * 10 + 120), c.batch().wallClockOf(10));
    }

    @Test
    void theOldWallClockKeysUnderBatchLocalAreStillReadWithAWarningThatNamesTheNewKey() {
        ConfigLoader.Report r = loader.inspect("x", """
                batch:
                  local:
                    slots: 3
                    wall_factor: 3.0
                    wall_grace_seconds: 90
                """);
        assertEquals(List.of(), r.problems());
        assertEquals(3.0, r.config().batch().wallFactor());
        assertEquals(Duration.ofSeconds(90), r.config().batch().wallGrace());
        assertEquals(3, r.config().batch().local().slots());
        assertEquals(List.of(
                "line 4: key 'batch.local.wall_factor' is the old name of 'batch.wall_factor'; it is still read, as "
                        + "'batch.wall_factor: 3.0', but write the new one",
                "line 5: key 'batch.local.wall_grace_seconds' is the old name of 'batch.wall_grace'; it is still read, "
                        + "as 'batch.wall_grace: 90s', but write the new one"), r.warnings());
    }

    @Test
    void aProblemOfAValueGivenUnderAnOldKeyIsReportedAtTheOldKeysLine() {
        ConfigLoader.Report r = loader.inspect("x", "batch:\n  local:\n    wall_factor: -1.0\n");
        assertEquals(List.of("line 3: key 'batch.wall_factor': must be more than 0"), r.problems());
    }

    @Test
    void backEndNamesAreTyped() {
        SandgateConfig c = loader.parse("x", "batch:\n  default: slurm\n  services: {sleepy: pbs}\n");
        assertEquals(BackendName.SLURM, c.batch().defaultBackend());
        assertEquals(Map.of("sleepy", BackendName.PBS), c.batch().services());
    }

    @Test
    void durationsAreWrittenOneWay() {
        assertEquals(Optional.of(Duration.ofMillis(500)), Durations.parse("500ms"));
        assertEquals(Optional.of(Duration.ofSeconds(2)), Durations.parse("2s"));
        assertEquals(Optional.of(Duration.ofDays(7)), Durations.parse("7d"));
        for (String bad : List.of("2", "2 s", "1.5s", "-2s", "2sec", "PT2S", "")) {
            assertEquals(Optional.empty(), Durations.parse(bad), bad);
        }
        for (String d : List.of("500ms", "2s", "90s", "5m", "1h", "7d", "0s")) {
            assertEquals(d, Durations.format(Durations.parse(d).orElseThrow()));
        }
    }

    @Test
    void theReadmeNamesEveryOldKeyAndItsNewName() throws java.io.IOException {
        String readme = java.nio.file.Files.readString(Path.of("..", "README.md"));
        for (RenamedKeys.Renaming r : RenamedKeys.ALL) {
            assertTrue(readme.contains("| `" + r.old() + "` | `" + r.current() + "` |"), r.old());
        }
    }

    @Test
    void everyOldDurationKeyIsReadInItsOldUnit() {
        ConfigLoader.Report r = loader.inspect("x", """
                sandbox: {retention_days: 3, sweep_interval_seconds: 60}
                batch: {poll_seconds: 0.5}
                tls: {refresh_seconds: 5}
                gridmap: {reload_seconds: 4}
                services: {scan_millis: 250, immediate_timeout_seconds: 9}
                authz: {timeout_seconds: 2, cache_seconds: 30}
                tokens: {lifetime_seconds: 3600}
                """);
        assertEquals(List.of(), r.problems());
        assertEquals(10, r.warnings().size(), r.warnings().toString());
        SandgateConfig c = r.config();
        assertEquals(Duration.ofDays(3), c.sandbox().retention());
        assertEquals(Duration.ofMinutes(1), c.sandbox().sweepInterval());
        assertEquals(Duration.ofMillis(500), c.batch().pollInterval());
        assertEquals(Duration.ofSeconds(5), c.tls().refreshInterval());
        assertEquals(Duration.ofSeconds(4), c.gridmap().reloadInterval());
        assertEquals(Duration.ofMillis(250), c.services().scanInterval());
        assertEquals(Duration.ofSeconds(9), c.services().immediateTimeout());
        assertEquals(Duration.ofSeconds(2), c.authz().timeout());
        assertEquals(Duration.ofSeconds(30), c.authz().cacheFor());
        assertEquals(Duration.ofHours(1), c.tokens().lifetime());
        assertTrue(r.warnings().stream().anyMatch(w -> w.startsWith("line 2: key 'batch.poll_seconds' is the old name of "
                + "'batch.poll_interval'; it is still read, as 'batch.poll_interval: 500ms'")), r.warnings().toString());
    }
}
