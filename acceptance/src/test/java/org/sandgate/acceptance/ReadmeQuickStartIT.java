package org.sandgate.acceptance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's quick start as a new user follows it: the build's launchers, {@code bin/sandgate-server
 * demo} in a fresh directory with its default relative demo directory, as an ordinary account; then
 * every curl command the demo prints, parsed from its output, and every command of the quick start,
 * each with the answer it must give. When the README or the banner changes, this test reads the new
 * text; a command it has no expectation for fails it.
 */
class ReadmeQuickStartIT {
    private static final Path README = Account.CHECKOUT.resolve("README.md");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theQuickStartWorksAsWritten() throws Exception {
        Account.require("curl");
        String quickStart = Markdown.section(README, "## Quick start: the demo");
        List<Markdown.Block> shell = Markdown.blocks(quickStart).stream().filter(b -> b.lang().equals("sh")).toList();
        String demoCommand = buildAndDemoCommand(shell.get(0));

        try (Account account = new Account("sandgate-quickstart")) {
            Demo demo = Demo.start(account, demoCommand);
            String banner = demo.banner();
            assertTrue(banner.contains("http://localhost:" + demo.httpPort + "/sandbox/"),
                    "the banner names the plain-HTTP port:\n" + banner);
            assertTrue(quickStart.contains("8080"), "the quick start names the plain-HTTP port");
            assertTrue(demo.prints("In a browser: import ") && quickStart.contains("usercred.p12"),
                    "the banner and the README say how to use the demo's credentials in a browser");
            assertTrue(banner.contains("The web portal: https://localhost:" + demo.httpsPort + "/ ")
                            && quickStart.contains("The web portal is at `https://localhost:8443/`"),
                    "the banner and the README name the portal's address:\n" + banner);
            Account.Result portal = account.run("curl -sS --cacert sandgate-demo/ca-strong/ca.pem --cert-type P12 --cert "
                    + "sandgate-demo/users/alice/usercred.p12:demo https://localhost:" + demo.httpsPort + "/");
            assertTrue(portal.exit() == 0 && portal.out().contains("<h1>Sandgate</h1>")
                    && portal.out().contains("CN=Alice Demo"), "the portal's start page knows alice:\n" + portal);

            Set<String> kinds = new TreeSet<>();
            for (String command : demo.commands()) {
                kinds.add(check(account, demo, command));
            }
            assertEquals(Set.of("whoami alice", "whoami alice p12", "whoami bob", "whoami carol", "whoami anonymous", "echo", "sleepy job",
                    "services", "health", "client whoami"), kinds, "every kind of printed command was run");

            String realDir = account.dir.toRealPath() + "/";
            String checkout = Account.CHECKOUT.toRealPath() + "/";
            List<String> printed = demo.commands().stream()
                    .map(c -> new Markdown.Command(c.replace(realDir, "").replace(checkout, ""), "").normalized())
                    .toList();
            for (Markdown.Block block : shell.subList(1, shell.size())) {
                for (Markdown.Command c : Markdown.commands(block.text())) {
                    if (c.line().startsWith("curl ") || c.line().contains("bin/sandgate ")) {
                        assertTrue(printed.contains(demo.withPorts(c.normalized())),
                                "the README's command is one the demo prints:\n" + c.line() + "\nprinted:\n"
                                        + String.join("\n", printed));
                    }
                    Account.Result r = account.run(demo.withPorts(c.withoutComment()));
                    assertEquals(0, r.exit(), c.line() + "\n" + r);
                    if (c.line().contains("users/alice")) {
                        assertTrue(r.out().contains("CN=Alice Demo") && r.out().contains("strong"), c.line() + "\n" + r);
                    } else {
                        throw new AssertionError("no expectation for the README's command " + c.line());
                    }
                }
            }
            demo.stop();
        }
    }

    /** The quick start's first block: the packages to install, the build, and the demo command. */
    private static String buildAndDemoCommand(Markdown.Block first) {
        String text = first.text();
        for (String tool : List.of("openjdk-17-jdk-headless", "maven")) {
            assertTrue(text.contains(tool), "the quick start installs " + tool + ":\n" + text);
        }
        // the reactor running this test has just done that build
        Matcher m = Pattern.compile("(?m)^mvn -q -DskipTests package && (bin/sandgate-server demo)$").matcher(text);
        assertTrue(m.find(), "the quick start builds, then runs the demo:\n" + text);
        return m.group(1);
    }

    /** Runs one printed command and checks its answer; returns what kind of command it was. */
    private static String check(Account account, Demo demo, String command) throws Exception {
        Account.Result r = account.run(command);
        assertEquals(0, r.exit(), command + "\n" + r);
        if (command.contains("/bin/sandgate whoami ")) {
            assertTrue(r.out().contains("CN=Alice Demo") && r.out().contains("strong"), command + "\n" + r);
            return "client whoami";
        }
        JsonNode answer = JSON.readTree(r.out());
        String url = command.replaceAll(".* (https?://\\S+).*", "$1");
        if (url.endsWith("/api/v1/whoami")) {
            String who = command.contains("--cert ") ? command.replaceAll(".*/users/(\\w+)/user.*", "$1")
                    : "anonymous";
            switch (who) {
                case "alice" -> {
                    assertEquals("strong", answer.path("tier").asText(), r.out());
                    assertEquals(account.name(), answer.path("account").asText(), r.out());
                }
                case "bob" -> {
                    assertEquals("weak", answer.path("tier").asText(), r.out());
                    assertEquals(account.name(), answer.path("account").asText(), r.out());
                }
                case "carol" -> {
                    assertEquals("strong", answer.path("tier").asText(), r.out());
                    assertTrue(answer.path("account").isNull(), "carol is not in the grid-mapfile: " + r.out());
                }
                case "anonymous" -> assertEquals("anonymous", answer.path("tier").asText(), r.out());
                default -> throw new AssertionError("no expectation for " + command);
            }
            if (command.contains("--cert-type P12")) {
                assertEquals("/O=Sandgate Demo/OU=People/CN=Alice Demo", answer.path("dn").asText(), r.out());
                return "whoami " + who + " p12";
            }
            return "whoami " + who;
        }
        if (url.endsWith("/api/v1/services/echo/echo")) {
            assertEquals("hellohello", answer.path("result").path("echo").asText(), r.out());
            return "echo";
        }
        if (url.endsWith("/api/v1/services/sleepy/add")) {
            followJob(account, demo, command, answer);
            return "sleepy job";
        }
        if (url.endsWith("/api/v1/services")) {
            List<String> names = new ArrayList<>();
            answer.path("services").forEach(s -> names.add(s.path("name").asText()));
            assertTrue(names.containsAll(List.of("echo", "sleepy")), r.out());
            return "services";
        }
        if (url.endsWith("/health")) {
            assertEquals("ok", answer.path("status").asText(), r.out());
            return "health";
        }
        throw new AssertionError("no expectation for the printed command " + command);
    }

    /** "follow status_url, then url": the job ends DONE with exit 0, its stdout holds the sum, on both ports. */
    private static void followJob(Account account, Demo demo, String command, JsonNode created) throws Exception {
        String curl = command.substring(0, command.indexOf(" -H "));     // the same CA and credential
        String status = created.path("status_url").asText();
        assertTrue(status.startsWith("https://localhost:" + demo.httpsPort + "/"), created.toString());
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        JsonNode s;
        do {
            Thread.sleep(500);
            s = JSON.readTree(account.run(curl + " -s " + status).out());
        } while (!Set.of("DONE", "FAILED", "CANCELLED").contains(s.path("state").asText())
                && Instant.now().isBefore(deadline));
        assertEquals("DONE", s.path("state").asText(), s.toString());
        assertEquals(0, s.path("exit_code").asInt(-1), s.toString());

        String url = created.path("url").asText();
        String ca = command.replaceAll(".*--cacert (\\S+).*", "$1");
        Account.Result https = account.run("curl -sS --cacert " + ca + " " + url + "stdout");
        assertEquals("sleepyadd 3 + 5 = 8\n", https.out(), https.toString());
        String plain = url.replace("https://localhost:" + demo.httpsPort, "http://localhost:" + demo.httpPort);
        Account.Result http = account.run("curl -sS " + plain + "stdout");
        assertEquals("sleepyadd 3 + 5 = 8\n", http.out(), http.toString());
    }
}
