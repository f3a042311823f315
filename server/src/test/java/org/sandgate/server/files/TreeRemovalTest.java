package org.sandgate.server.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Removing a sandbox never reaches outside it: links are removed, not followed, also while a job
 * exchanges a directory of the tree with a link to somewhere else ({@code renameat2(RENAME_EXCHANGE)},
 * a small C program built here) during the removal.
 */
class TreeRemovalTest {
    private static final String RACER = """
            #define _GNU_SOURCE
            #include <fcntl.h>
            #include <unistd.h>
            #include <sys/syscall.h>
            #ifndef RENAME_EXCHANGE
            #define RENAME_EXCHANGE (1 << 1)
            #endif
            int main(int argc, char **argv) {
                if (argc != 3) return 2;
                for (;;) {
                    if (syscall(SYS_renameat2, AT_FDCWD, argv[1], AT_FDCWD, argv[2], RENAME_EXCHANGE) != 0) return 0;
                }
            }
            """;

    @TempDir
    static Path shared;
    static Path racer;

    @TempDir
    Path dir;

    @BeforeAll
    static void buildRacer() throws Exception {
        Path source = shared.resolve("racer.c");
        Files.writeString(source, RACER);
        racer = shared.resolve("racer");
        Process gcc;
        try {
            gcc = new ProcessBuilder("gcc", "-O2", "-o", racer.toString(), source.toString()).redirectErrorStream(true).start();
        } catch (java.io.IOException noGcc) {
            System.err.println("SKIPPED: gcc is not installed (apt-get install gcc): the removal race is not tried");
            assumeTrue(false, "gcc is not installed: SKIPPED, not passed");
            return;
        }
        String out = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, gcc.waitFor(), out);
    }

    private static void remove(Path root, String name) throws Exception {
        try (OpenNode node = OpenNode.directory(root)) {
            node.removeTree(name);
        }
    }

    private static Path decoy(Path dir, int files) throws Exception {
        Path decoy = Files.createDirectories(dir.resolve("decoy"));
        for (int i = 0; i < files; i++) {
            Files.writeString(decoy.resolve("f" + i), "the server's");
        }
        return decoy;
    }

    @Test
    void aTreeIsRemovedWithItsLinksButNotWhatTheyPointTo() throws Exception {
        Path root = Files.createDirectories(dir.resolve("sandboxes"));
        Path decoy = decoy(dir, 3);
        Path box = Files.createDirectories(root.resolve("box"));
        Files.createDirectories(box.resolve("sub/deeper"));
        Files.writeString(box.resolve("sub/deeper/data"), "x");
        Files.createSymbolicLink(box.resolve("escape"), decoy);
        Files.createSymbolicLink(box.resolve("sub/parent"), Path.of("../.."));
        Files.createSymbolicLink(box.resolve("sub/file"), decoy.resolve("f0"));
        assertEquals(0, new ProcessBuilder("mkfifo", box.resolve("fifo").toString()).start().waitFor());
        remove(root, "box");
        assertFalse(Files.exists(box, java.nio.file.LinkOption.NOFOLLOW_LINKS));
        assertEquals(3, decoy.toFile().list().length);
        remove(root, "box");
    }

    @Test
    void aSandboxThatIsALinkIsRemovedAsALink() throws Exception {
        Path root = Files.createDirectories(dir.resolve("sandboxes"));
        Path decoy = decoy(dir, 3);
        Files.createSymbolicLink(root.resolve("box"), decoy);
        remove(root, "box");
        assertFalse(Files.exists(root.resolve("box"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
        assertEquals(3, decoy.toFile().list().length);
    }

    @Test
    void aDirectoryFlippedWithALinkDuringTheRemovalLeavesTheLinksTargetAlone() throws Exception {
        Path root = Files.createDirectories(dir.resolve("sandboxes"));
        Path decoy = decoy(dir, 20);
        int attempts = 300;
        List<String> lost = new ArrayList<>();
        for (int i = 0; i < attempts && lost.isEmpty(); i++) {
            Path box = Files.createDirectories(root.resolve("box" + i));
            Path a = Files.createDirectories(box.resolve("a"));
            for (int f = 0; f < 20; f++) {
                Files.writeString(a.resolve("f" + f), "the job's");
            }
            Files.createSymbolicLink(box.resolve("b"), decoy);
            Process flipper = new ProcessBuilder(racer.toString(), "a", "b").directory(box.toFile()).start();
            Thread.sleep(2);
            try {
                remove(root, box.getFileName().toString());
            } finally {
                flipper.destroyForcibly();
                flipper.waitFor(5, TimeUnit.SECONDS);
            }
            String[] left = decoy.toFile().list();
            if (left.length != 20) {
                lost.add("attempt " + i + ": " + (20 - left.length) + " of the decoy's files removed");
            }
            assertFalse(Files.exists(box, java.nio.file.LinkOption.NOFOLLOW_LINKS), "attempt " + i + " left the tree");
        }
        assertTrue(lost.isEmpty(), lost.toString());
    }
}
