package org.sandgate.server.services.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sandgate.server.testkit.Tools;
import org.sandgate.service.Arguments;

/**
 * A command service's file arguments are written into a sandbox that, in shared mode, belongs to
 * the job's account: that account, played here for real by an ordinary account running a python3
 * ctypes loop, plants links to a file outside and FIFOs under the argument's file name and swaps
 * the whole sandbox with a link to a directory outside using {@code renameat2(RENAME_EXCHANGE)}
 * (the sandbox root is sticky and others-writable, as in shared mode), while the server's code
 * writes the argument thousands of times. Nothing outside the sandbox may be written or changed
 * and no write may block. The server's side runs in this JVM as root, which every permission
 * check lets through: what stops it is only how the file is opened. Run under
 * {@code flock /tmp/sandgate-host.lock}: it makes an account.
 *
 * <p>Against the code before the writes went through descriptors (a path write following links)
 * this test fails: the planted link is written through and the FIFO blocks the write.
 */
class FileArgumentWritesIT {
    static final String ACCOUNT = "sgmallory";
    static final int WRITES = 3000;
    static final String ATTACKER = """
            import ctypes, os, sys
            libc = ctypes.CDLL(None, use_errno=True)
            AT_FDCWD, RENAME_EXCHANGE = -100, 2
            box, alt, target, outside, stop = sys.argv[1:]
            os.symlink(outside, alt)
            a, b = box.encode(), alt.encode()
            flips = 0
            n = 0
            while not os.path.exists(stop):
                n += 1
                p = os.path.join(box, 'input.txt')
                try:
                    os.unlink(p)
                except OSError:
                    pass
                try:
                    if n % 2:
                        os.symlink(target, p)
                    else:
                        os.mkfifo(p)
                except OSError:
                    pass
                if n % 3 == 0 and libc.renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE) == 0:
                    flips += 1
                    if libc.renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE) == 0:
                        flips += 1
            print(n, flips)
            """;

    static Path dir;
    static boolean made;

    @BeforeAll
    static void account() throws Exception {
        boolean root = "root".equals(System.getProperty("user.name")) && Files.exists(Path.of("/etc/debian_version"));
        if (!root) {
            System.err.println("SKIPPED: the file-argument attack test needs root on Debian to make an account");
        }
        assumeTrue(root, "needs root on Debian: test SKIPPED, not passed");
        Tools.require("python3");
        removeAccount();
        Tools.Result r = Tools.run(Path.of("/"), null, "useradd", "--no-create-home", "--shell", "/usr/sbin/nologin",
                ACCOUNT);
        assertEquals(0, r.exit(), r.toString());
        made = true;
        dir = Files.createTempDirectory("sandgate-file-args");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @AfterAll
    static void cleanUp() throws Exception {
        if (dir != null) {
            Tools.run(Path.of("/"), null, "rm", "-rf", dir.toString());
        }
        if (made) {
            removeAccount();
        }
    }

    static void removeAccount() throws Exception {
        if (Tools.run(Path.of("/"), null, "id", "-u", ACCOUNT).exit() == 0) {
            Tools.run(Path.of("/"), null, "pkill", "-KILL", "-u", ACCOUNT);
            Thread.sleep(200);
            assertEquals(0, Tools.run(Path.of("/"), null, "userdel", ACCOUNT).exit());
        }
    }

    @Test
    void linksFifosAndASwappedSandboxNeverMakeAFileArgumentWriteOutsideOrBlock() throws Exception {
        Path root = Files.createDirectory(dir.resolve("sandboxes"));
        assertEquals(0, Tools.run(Path.of("/"), null, "chmod", "1733", root.toString()).exit(), "the shared-mode root's modes");
        Path box = root.resolve("sb" + "0123456789abcdef".repeat(2));
        Files.createDirectory(box);
        Tools.run(Path.of("/"), null, "chown", ACCOUNT, box.toString());
        Files.setPosixFilePermissions(box, PosixFilePermissions.fromString("rwxrwx---"));
        Path outside = Files.createDirectory(dir.resolve("outside"));
        Path secret = Files.writeString(outside.resolve("secret.txt"), "the server's own");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        Path script = Files.writeString(dir.resolve("attack.py"), ATTACKER);
        Path stop = dir.resolve("stop");

        Process attacker = new ProcessBuilder("runuser", "-u", ACCOUNT, "--", "python3", script.toString(), box.toString(),
                root.resolve(box.getFileName() + ".alt").toString(), secret.toString(), outside.toString(), stop.toString())
                .redirectErrorStream(true).start();
        ExecutorService writer = Executors.newSingleThreadExecutor();
        int written = 0;
        int refused = 0;
        List<String> leaks = new ArrayList<>();
        try {
            Thread.sleep(300);
            // at least WRITES writes, and for long enough that the slower attacker swaps thousands of times
            Instant minimum = Instant.now().plusSeconds(8);
            for (int i = 0; (i < WRITES || Instant.now().isBefore(minimum)) && i < 20 * WRITES && leaks.isEmpty(); i++) {
                Arguments args = new Arguments(Map.of("data", "payload " + i));
                Future<?> write = writer.submit(() -> {
                    CommandServices.writeFiles(box, Map.of("data", "input.txt"), args);
                    return null;
                });
                try {
                    write.get(5, TimeUnit.SECONDS);
                    written++;
                } catch (TimeoutException e) {
                    leaks.add("write " + i + " blocked (a FIFO was opened)");
                    write.cancel(true);
                } catch (java.util.concurrent.ExecutionException e) {
                    if (!(e.getCause() instanceof IOException)) {
                        throw e;
                    }
                    refused++;
                }
                if (!Files.readString(secret).equals("the server's own")
                        || !PosixFilePermissions.toString(Files.getPosixFilePermissions(secret)).equals("rw-------")) {
                    leaks.add("write " + i + " went through the link to " + secret);
                }
                try (Stream<Path> out = Files.list(outside)) {
                    List<Path> extra = out.filter(p -> !p.equals(secret)).toList();
                    if (!extra.isEmpty()) {
                        leaks.add("write " + i + " made " + extra + " outside the sandbox");
                    }
                }
            }
        } finally {
            Files.writeString(stop, "");
            writer.shutdownNow();
        }
        assertTrue(attacker.waitFor(30, TimeUnit.SECONDS), "the attacker stops");
        String[] counts = new String(attacker.getInputStream().readAllBytes()).strip().split("\\s+");
        System.out.println("file-argument writes: " + written + " written, " + refused + " refused; attacker rounds and "
                + "swaps: " + String.join(" ", counts));
        assertEquals(List.of(), leaks, "writes outside the sandbox or blocked (" + written + " written, " + refused
                + " refused, attacker: " + String.join(" ", counts) + ")");
        assertTrue(counts.length == 2 && Long.parseLong(counts[1]) >= 1000,
                "the attacker flipped the sandbox thousands of times: " + String.join(" ", counts));
        assertTrue(written > WRITES / 20, "writes still reach the sandbox: " + written + " written, " + refused + " refused");
    }
}
