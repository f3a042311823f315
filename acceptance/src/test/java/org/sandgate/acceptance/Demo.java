package org.sandgate.acceptance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code bin/sandgate-server demo} as a document shows it, run by an {@link Account} in its fresh
 * directory with the default relative demo directory; tests use free ports instead of 8443 and 8080.
 */
final class Demo {
    final Account account;
    final int httpsPort;
    final int httpPort;
    private final Process process;
    private final Path output;

    private Demo(Account account, int httpsPort, int httpPort, Process process, Path output) {
        this.account = account;
        this.httpsPort = httpsPort;
        this.httpPort = httpPort;
        this.process = process;
        this.output = output;
    }

    /** Starts the demo command and waits until its banner has been printed. */
    static Demo start(Account account, String command) throws Exception {
        int https = freePort();
        int http = freePort();
        Path output = account.dir.resolve("demo.out");
        Process p = account.start(command + " --https-port " + https + " --http-port " + http, output);
        Demo demo = new Demo(account, https, http, p, output);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
        while (!demo.bannerComplete() && p.isAlive() && Instant.now().isBefore(deadline)) {
            Thread.sleep(200);
        }
        assertTrue(demo.bannerComplete(), "the demo printed no banner:\n" + demo.output());
        return demo;
    }

    private boolean bannerComplete() throws IOException {
        return bannerEnd(output()) > 0;
    }

    /** Where the banner's commands end (the blank line after them), or -1 when not yet printed. */
    private static int bannerEnd(String out) {
        int at = out.indexOf("Sandgate demo is running");
        int curl = at < 0 ? -1 : out.indexOf("\n  curl ", at);
        return curl < 0 ? -1 : out.indexOf("\n\n", curl);
    }

    /** Whether the demo prints a text within a few seconds. */
    boolean prints(String text) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (!output().contains(text) && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
        }
        return output().contains(text);
    }

    /** Everything the demo printed so far. */
    String output() throws IOException {
        return Files.exists(output) ? Files.readString(output) : "";
    }

    /** The banner: from "Sandgate demo is running" to the blank line after the commands. */
    String banner() throws IOException {
        String out = output();
        return out.substring(out.indexOf("Sandgate demo is running"), bannerEnd(out));
    }

    /** The commands of the banner (curl and the client), as printed. */
    List<String> commands() throws IOException {
        return banner().lines().filter(l -> l.startsWith("  curl ") || l.contains("/bin/sandgate "))
                .map(String::strip).toList();
    }

    /** A document's command with the documented ports replaced by this demo's. */
    String withPorts(String command) {
        return command.replace("localhost:8443", "localhost:" + httpsPort).replace("localhost:8080", "localhost:" + httpPort);
    }

    /** Stops the demo as a user does (SIGTERM to the server, as Ctrl-C would) and expects exit 0. */
    void stop() throws Exception {
        ProcessHandle java = Stream.concat(Stream.of(process.toHandle()), process.descendants())
                .filter(h -> h.info().command().orElse("").endsWith("/java")).findFirst().orElse(null);
        if (java == null) {
            throw new AssertionError("the demo is not running:\n" + output());
        }
        assertEquals(0, Account.asTests(Path.of("/"), "kill", "-TERM", Long.toString(java.pid())).exit());
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the demo did not stop");
        assertEquals(0, process.exitValue(), "the demo's exit status after SIGTERM:\n" + output());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
