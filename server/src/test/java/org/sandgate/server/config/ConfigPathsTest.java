package org.sandgate.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ConfigPathsTest {
    private static final Path CWD = Path.of("").toAbsolutePath();

    private static SandgateConfig load(String yaml) {
        return ConfigPaths.absolute(new ConfigLoader().parse("test", yaml), Path.of("site/conf"));
    }

    @Test
    void relativePathsBecomeAbsoluteUnderTheConfigurationDirectory() {
        SandgateConfig c = load("""
                tls: {host_cert: host/cert.pem, trust_dir: ../certificates}
                gridmap: {file: grid-mapfile}
                batch: {slurm: {bin_dir: slurm/bin}, pbs: {bin_dir: /opt/pbs/bin}, drmaa: {library: lib/libdrmaa.so}}
                shared: {wrapper: libexec/wrapper, check_account: x}
                authz: {callout: ./callout}
                tokens: {trusted: [{issuer: "https://idp", keys: idp.pem}]}
                """);
        Path conf = CWD.resolve("site/conf");
        assertEquals(conf.resolve("host/cert.pem").toString(), c.tls().hostCert());
        assertEquals(conf.resolve("hostkey.pem").toString(), c.tls().hostKey());
        assertEquals(CWD.resolve("site/certificates").toString(), c.tls().trustDir());
        assertEquals(conf.resolve("grid-mapfile").toString(), c.gridmap().file());
        assertEquals(conf.resolve("slurm/bin").toString(), c.batch().slurm().binDir());
        assertEquals("/opt/pbs/bin", c.batch().pbs().binDir());
        assertEquals(conf.resolve("lib/libdrmaa.so").toString(), c.batch().drmaa().library());
        assertEquals(conf.resolve("libexec/wrapper").toString(), c.shared().wrapper());
        assertEquals(conf.resolve("callout").toString(), c.authz().callout());
        assertEquals(conf.resolve("idp.pem").toString(), c.tokens().trusted().get(0).keys());
    }

    @Test
    void bareProgramNamesAndUnsetPathsStayAsTheyAre() {
        SandgateConfig c = load("""
                batch: {drmaa: {library: libdrmaa.so.1.0}}
                shared: {sudo: sudo, check_account: x}
                authz: {callout: my-callout}
                """);
        assertEquals("libdrmaa.so.1.0", c.batch().drmaa().library());
        assertEquals("sudo", c.shared().sudo());
        assertEquals("my-callout", c.authz().callout());
        assertEquals("", c.batch().slurm().binDir());
        assertEquals("", c.shared().wrapper());
        assertEquals("logs/audit.log", c.audit().file());
    }

    @Test
    void resolvingTwiceChangesNothing() {
        SandgateConfig once = load("tls: {host_cert: a.pem}\n");
        assertEquals(once, ConfigPaths.absolute(once, Path.of("elsewhere")));
    }
}
