package org.sandgate.server;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.sandgate.server.testkit.Tools;

/**
 * The real batch systems on this host, for the tests that need them. Where they can be installed
 * (root on Debian) they are started by {@code scripts/batch-systems-localhost.sh} if they do not run
 * yet, and a failure to start fails the test; elsewhere the test is skipped, loudly.
 */
final class BatchSystems {
    static final Path SCRIPT = Path.of("..", "scripts", "batch-systems-localhost.sh");
    static final Path PBS_BIN = Path.of("/opt/slurm-torque/usr/bin");
    static final Path DRMAA_LIBRARY = Path.of("/usr/lib/gridengine-drmaa/lib/libdrmaa.so.1.0");
    private static final Set<String> STARTED = new HashSet<>();

    private BatchSystems() {
    }

    /** Makes sure {@code part} ({@code slurm}, {@code pbs} or {@code sge}) runs, or skips the test. */
    static synchronized void require(String part) throws Exception {
        boolean installable = "root".equals(System.getProperty("user.name")) && Files.exists(Path.of("/etc/debian_version"));
        if (!installable) {
            System.err.println("SKIPPED: the " + part + " tests need root on Debian to install and start " + part);
        }
        assumeTrue(installable, part + " cannot be installed here (needs root on Debian): test SKIPPED, not passed");
        if (STARTED.contains(part) && up(part)) {
            return;
        }
        if (!up(part)) {
            Tools.Result r = Tools.run(Path.of("."), null, "bash", SCRIPT.toString(), part);
            assertTrue(r.exit() == 0 && up(part), "cannot start " + part + ": " + r);
        }
        STARTED.add(part);
    }

    static boolean up(String part) throws Exception {
        return switch (part) {
            case "slurm" -> slurmIdle();
            case "pbs" -> Files.isExecutable(PBS_BIN.resolve("qsub")) && slurmIdle();
            case "sge" -> Files.exists(DRMAA_LIBRARY) && Tools.run(Path.of("/"), null, "sh", "-c",
                    "command -v qstat >/dev/null && qstat -f -q all.q").exit() == 0;
            default -> throw new IllegalArgumentException(part);
        };
    }

    private static boolean slurmIdle() throws Exception {
        if (!Files.isExecutable(Path.of("/usr/bin/sinfo"))) {
            return false;
        }
        Tools.Result r = Tools.run(Path.of("/"), null, "sinfo", "-h", "-o", "%t");
        return r.exit() == 0 && r.out().strip().matches("idle|mix|alloc");
    }
}
