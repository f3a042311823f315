package org.sandgate.server.sandbox;

import org.sandgate.server.files.OpenNode;
import org.sandgate.server.files.SandboxTree;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sandgate.sandbox.Session;
import org.sandgate.sandbox.SessionId;
import org.sandgate.sandbox.SessionState;
import org.sandgate.service.Tier;

class SandboxTreeTest {
    @TempDir
    Path dir;
    Path root;
    Path box;
    Session session;
    SandboxTree tree;

    @BeforeEach
    void make() throws Exception {
        root = Files.createDirectories(dir.resolve("sandboxes"));
        session = new Session(SessionId.random(), "s", "m", "anonymous", "anonymous", "alice", Tier.ANONYMOUS, 0, SessionState.DONE,
                Optional.of(0), "local", Optional.empty(), Optional.empty(), Instant.now(), Instant.now());
        box = Files.createDirectory(root.resolve(session.id().value()));
        tree = new SandboxTree(root, SessionId::value, s -> System.getProperty("user.name"));
        Files.writeString(box.resolve("out.txt"), "x");
        Files.createDirectories(box.resolve("sub"));
        Files.writeString(box.resolve("sub/in.txt"), "inside");
        Files.writeString(dir.resolve("outside.txt"), "secret");
        Files.createSymbolicLink(box.resolve("escape"), dir.resolve("outside.txt"));
        Files.createSymbolicLink(box.resolve("parent"), Path.of(".."));
        Files.createSymbolicLink(box.resolve("sub/back"), Path.of("../out.txt"));
        Files.createSymbolicLink(box.resolve("sublink"), Path.of("sub"));
    }

    private String read(String... path) throws Exception {
        try (OpenNode node = tree.open(session, List.of(path)).orElseThrow(); FileChannel c = node.read()) {
            return new String(java.nio.channels.Channels.newInputStream(c).readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void filesInsideOpen() throws Exception {
        assertEquals("x", read("out.txt"));
        assertEquals("inside", read("sub", "in.txt"));
        try (OpenNode sandbox = tree.open(session, List.of()).orElseThrow()) {
            assertTrue(sandbox.isDirectory());
        }
    }

    @Test
    void aLinkAnywhereOnThePathLeadsNowhere() throws Exception {
        for (List<String> bad : List.of(List.of("escape"), List.of("parent"), List.of("parent", "outside.txt"),
                List.of("sub", "back"), List.of("sublink", "in.txt"), List.of("missing"),
                List.of("out.txt", "below"))) {
            assertEquals(Optional.empty(), tree.open(session, bad), bad.toString());
        }
    }

    @Test
    void aSandboxReplacedByALinkLeadsNowhere() throws Exception {
        Files.move(box, dir.resolve("moved"));
        Files.createSymbolicLink(box, dir);
        assertEquals(Optional.empty(), tree.open(session, List.of()));
        assertEquals(Optional.empty(), tree.open(session, List.of("outside.txt")));
    }

    @Test
    void aSandboxOfAnotherAccountLeadsNowhere() throws Exception {
        SandboxTree strict = new SandboxTree(root, SessionId::value, s -> "no-such-account-here");
        assertEquals(Optional.empty(), strict.open(session, List.of("out.txt")));
    }

    @Test
    void aFifoOpensAtOnceAndIsNoRegularFile() throws Exception {
        Path fifo = box.resolve("fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            try (OpenNode node = tree.open(session, List.of("fifo")).orElseThrow()) {
                assertFalse(node.isRegularFile());
                assertFalse(node.isDirectory());
            }
        });
    }

    @Test
    void aWalkLeavesOutLinksAndFifos() throws Exception {
        new ProcessBuilder("mkfifo", box.resolve("sub/fifo").toString()).start().waitFor();
        List<String> seen = new ArrayList<>();
        try (OpenNode sandbox = tree.open(session, List.of()).orElseThrow()) {
            assertTimeoutPreemptively(Duration.ofSeconds(5), () -> SandboxTree.walk(sandbox, new SandboxTree.Visitor() {
                @Override
                public boolean directory(String relative, OpenNode d) {
                    seen.add(relative + "/");
                    return true;
                }

                @Override
                public boolean file(String relative, OpenNode file) {
                    seen.add(relative);
                    return true;
                }
            }));
        }
        seen.sort(null);
        assertEquals(List.of("out.txt", "sub/", "sub/in.txt"), seen);
    }

    @Test
    void aListingPageHoldsTheSmallestNamesAfterTheCursor() throws Exception {
        for (int i = 0; i < 50; i++) {
            Files.writeString(box.resolve(String.format("f%03d", i)), "");
        }
        try (OpenNode sandbox = tree.open(session, List.of()).orElseThrow()) {
            Listing first = Listing.page(sandbox, Optional.of("ezz"), 10);
            assertEquals("f000", first.entries().get(0).name());
            assertEquals(10, first.entries().size());
            assertEquals(Optional.of("f009"), first.next());
            Listing last = Listing.page(sandbox, Optional.of("f045"), 10);
            assertEquals(List.of("f046", "f047", "f048", "f049", "out.txt", "parent", "sub", "sublink"),
                    last.entries().stream().map(Listing.Entry::name).toList());
            assertEquals(Optional.empty(), last.next());
            assertEquals("link", last.entries().get(5).type());
        }
    }
}
