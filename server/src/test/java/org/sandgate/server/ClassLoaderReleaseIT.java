package org.sandgate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sandgate.server.lifecycle.PeriodicWork;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;
import org.sandgate.batch.BackendName;
import org.sandgate.process.Commands;
import org.sandgate.server.plugins.VersionOne;
import org.sandgate.server.services.DeployedService;
import org.sandgate.server.services.Deployer;
import org.sandgate.server.services.PluginCalls;
import org.sandgate.server.services.PluginLoader;
import org.sandgate.server.services.command.CommandServices;

/**
 * Deploying and removing the same jar 200 times leaks nothing: every retired version's class loader
 * becomes collectable, and its private copy of the jar is deleted. A version with a call still
 * running stays open until that call ends.
 */
@Isolated("waits for the garbage collector to release class loaders")
class ClassLoaderReleaseIT {
    @TempDir
    Path dir;
    private final PeriodicWork work = new PeriodicWork();

    @BeforeEach
    void startScheduler() throws Exception {
        work.start();
    }

    @AfterEach
    void stopScheduler() throws Exception {
        work.stop();
    }

    @Test
    void twoHundredDeploysAndRemovalsLeaveEveryOldClassLoaderCollectable() throws Exception {
        Path jar = PluginJar.build(dir.resolve("build").resolve("version.jar"), VersionOne.class);
        Path deploy = Files.createDirectories(dir.resolve("services"));
        Path copies = dir.resolve("deployed");
        Deployer deployer = new Deployer(deploy, copies, new PluginLoader(),
                new CommandServices(new Commands(Duration.ofSeconds(5))), Set.of(BackendName.LOCAL), 60_000, work);
        deployer.start();
        List<WeakReference<ClassLoader>> loaders = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            Files.copy(jar, deploy.resolve("version.jar"));
            deployer.scan(true);
            DeployedService s = deployer.acquire("lab.version").orElseThrow();
            try {
                Object answer = PluginCalls.run(s, () -> s.method("which").orElseThrow().immediateHandler().handle(null),
                        "which");
                assertEquals(Map.of("version", 1), answer);
                loaders.add(new WeakReference<>(s.loader()));
            } finally {
                s.exit();
            }
            Files.delete(deploy.resolve("version.jar"));
            deployer.scan(true);
            assertTrue(s.isClosed(), "a removed version without calls is closed at once");
        }
        deployer.stop();
        long alive = loaders.size();
        for (int attempt = 0; attempt < 50 && alive > 0; attempt++) {
            System.gc();
            Thread.sleep(100);
            alive = loaders.stream().filter(r -> r.get() != null).count();
        }
        assertEquals(0, alive, alive + " of 200 class loaders of removed versions are still reachable");
        try (var left = Files.list(copies)) {
            assertEquals(0, left.count(), "private copies of the jar are deleted");
        }
    }

    @Test
    void aVersionWithARunningCallClosesOnlyWhenTheCallEnds() throws Exception {
        Path jar = PluginJar.build(dir.resolve("build").resolve("version.jar"), VersionOne.class);
        Path deploy = Files.createDirectories(dir.resolve("services"));
        Deployer deployer = new Deployer(deploy, dir.resolve("deployed"), new PluginLoader(),
                new CommandServices(new Commands(Duration.ofSeconds(5))), Set.of(BackendName.LOCAL), 60_000, work);
        deployer.start();
        Files.copy(jar, deploy.resolve("version.jar"));
        deployer.scan(true);
        DeployedService running = deployer.acquire("lab.version").orElseThrow();
        Files.delete(deploy.resolve("version.jar"));
        deployer.scan(true);
        assertTrue(deployer.acquire("lab.version").isEmpty(), "new calls no longer find it");
        assertFalse(running.isClosed(), "the running call keeps its version open");
        running.exit();
        assertTrue(running.isClosed());
        deployer.stop();
    }
}
