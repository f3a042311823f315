package org.sandgate.acceptance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code services/README.md} as a service developer follows it: the demo, then the guide's own
 * {@code pom.xml}, Java source and service file written where the guide says, built with the
 * system's {@code mvn}, deployed by copying, called, redeployed, uploaded, removed, and the YAML
 * variant. The guide's shell commands run as written (with the test's ports); a command shown with
 * its output must give that output.
 *
 * <p>The guide gets {@code sandgate-service-api} with {@code mvn install} of the checkout. This test
 * does not write into the Maven repository of the account that runs it: the api built by this
 * reactor is installed into a temporary local repository, which the guide's build uses; plugins are
 * read from the tests' repository as a remote (then Maven Central).
 */
class ServicesGuideIT {
    private static final Path GUIDE = Account.CHECKOUT.resolve("services").resolve("README.md");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String VERSION = System.getProperty("sandgate.test.version", "0.1.0-SNAPSHOT");

    @Test
    void theGuideBuildsDeploysCallsAndRedeploysAPluginAsWritten() throws Exception {
        Account.require("curl", "mvn", "python3");
        List<Markdown.Block> blocks = Markdown.blocks(Files.readString(GUIDE));
        Iterator<Markdown.Block> next = blocks.iterator();

        Markdown.Block setup = next.next();
        List<Markdown.Command> step0 = Markdown.commands(setup.text());
        assertTrue(step0.get(0).withoutComment().equals("mvn -q -DskipTests install")
                && step0.get(0).line().contains("sandgate-service-api"),
                "the guide installs the service API with the build: " + step0.get(0));
        String demoCommand = step0.get(1).withoutComment();
        assertEquals("bin/sandgate-server demo", demoCommand);

        Path repo = Files.createTempDirectory("sandgate-guide-m2");
        try (Account account = new Account("sandgate-guide")) {
            Path settings = installApi(repo);
            Demo demo = Demo.start(account, demoCommand);
            String prelude = next.next().text() + next.next().text();     // alice=(...), then mkdir and cd ~/hello
            assertTrue(prelude.contains("alice=(") && prelude.contains("cd ~/hello"), prelude);
            Path hello = account.home.resolve("hello");
            run(account, demo, prelude, null, "true");

            Markdown.Block pom = next.next();
            write(account, hello, pom);
            assertTrue(pom.lang().equals("xml") && pom.text().contains("<artifactId>maven-compiler-plugin</artifactId>"),
                    "the guide's pom.xml pins the compiler plugin (Maven 3.8's default ignores maven.compiler.release)");
            Markdown.Block java = next.next();
            write(account, hello, java);
            write(account, hello, next.next());
            // the guide's build uses the temporary repository (Maven reads .mvn/maven.config of the project)
            Files.createDirectories(hello.resolve(".mvn"));
            Files.writeString(hello.resolve(".mvn/maven.config"), "-s " + settings + "\n-Dmaven.repo.local=" + repo + "\n");

            String session = null;
            for (Markdown.Command c : Markdown.commands(next.next().text())) {
                String out = run(account, demo, prelude, hello, c.withoutComment());
                if (c.line().contains("/hello/count")) {
                    session = JSON.readTree(out).path("session").asText();
                    awaitDone(account, demo, prelude, JSON.readTree(out).path("status_url").asText());
                } else if (c.line().contains("/sandbox/SESSION/stdout")) {
                    assertEquals("1\n2\n3\n4\n5\n", run(account, demo, prelude, hello,
                            c.withoutComment().replace("SESSION", session)));
                    continue;
                }
                expectShown(demo, c, out, () -> run(account, demo, prelude, hello, c.withoutComment()));
            }

            // 2. Redeploy: "Change the greeting (say "Hi, "), then mvn -q package and copy the jar again."
            String redeploy = Markdown.section(GUIDE, "## 2. Redeploy");
            assertTrue(redeploy.contains("`\"Hi, \"`") && redeploy.contains("`mvn -q package`"), redeploy);
            Path source = hello.resolve("src/main/java/org/example/hello/HelloService.java");
            Files.writeString(source, Files.readString(source).replace("\"Hello, \"", "\"Hi, \""));
            run(account, demo, prelude, hello, "mvn -q package");
            run(account, demo, prelude, hello, "cp target/hello.jar $SG/sandgate-demo/conf/services/");
            String greet = greetCommand(blocks);
            awaitAnswer(() -> run(account, demo, prelude, hello, greet), "{\"result\":{\"greeting\":\"Hi, World\"}}");

            for (Markdown.Command c : Markdown.commands(next.next().text())) {      // the service list
                String out = run(account, demo, prelude, hello, c.withoutComment());
                assertTrue(out.contains("\"hello\"") && out.contains("\"sleepy\""), out);
            }
            for (Markdown.Command c : Markdown.commands(next.next().text())) {      // upload and remove
                String out = run(account, demo, prelude, hello, c.withoutComment());
                if (c.line().contains("-X DELETE")) {
                    assertEquals("", out, c.line());
                    String list = run(account, demo, prelude, hello, "curl -s \"${alice[@]}\" https://localhost:8443/api/v1/services");
                    assertTrue(!list.contains("\"hello\""), "removed: " + list);
                }
                expectShown(demo, c, out, () -> run(account, demo, prelude, hello, c.withoutComment()));
            }

            // 3. The same without Java
            write(account, hello, next.next());
            for (Markdown.Command c : Markdown.commands(next.next().text())) {
                String out = run(account, demo, prelude, hello, c.withoutComment());
                expectShown(demo, c, out, () -> run(account, demo, prelude, hello, c.withoutComment()));
            }
            demo.stop();
        } finally {
            Account.asTests(Path.of("/"), "rm", "-rf", repo.toString());
        }
    }

    /** The api as {@code mvn install} leaves it, in a temporary local repository; the settings to use it. */
    private static Path installApi(Path repo) throws IOException {
        Path jar = Account.CHECKOUT.resolve("services/api/target/sandgate-service-api-" + VERSION + ".jar");
        assertTrue(Files.isRegularFile(jar), "the reactor built " + jar);
        Path api = repo.resolve("org/sandgate/sandgate-service-api/" + VERSION);
        Path parent = repo.resolve("org/sandgate/sandgate-parent/" + VERSION);
        Files.createDirectories(api);
        Files.createDirectories(parent);
        Files.copy(jar, api.resolve("sandgate-service-api-" + VERSION + ".jar"));
        Files.copy(Account.CHECKOUT.resolve("services/api/pom.xml"), api.resolve("sandgate-service-api-" + VERSION + ".pom"));
        Files.copy(Account.CHECKOUT.resolve("pom.xml"), parent.resolve("sandgate-parent-" + VERSION + ".pom"));
        String cache = Path.of(System.getProperty("sandgate.test.localRepository",
                System.getProperty("user.home") + "/.m2/repository")).toUri().toString();
        Path settings = repo.resolve("settings.xml");
        Files.writeString(settings, """
                <settings>
                  <profiles>
                    <profile>
                      <id>tests-cache</id>
                      <repositories>
                        <repository><id>tests-cache</id><url>%1$s</url><snapshots><enabled>false</enabled></snapshots></repository>
                      </repositories>
                      <pluginRepositories>
                        <pluginRepository><id>tests-cache</id><url>%1$s</url><snapshots><enabled>false</enabled></snapshots></pluginRepository>
                      </pluginRepositories>
                    </profile>
                  </profiles>
                  <activeProfiles><activeProfile>tests-cache</activeProfile></activeProfiles>
                </settings>
                """.formatted(cache));
        return settings;
    }

    /** Writes a block to the file its caption names (the first `path` in it), as the account's. */
    private static void write(Account account, Path hello, Markdown.Block block) throws Exception {
        Matcher m = Pattern.compile("`([^`]+)`").matcher(block.caption());
        assertTrue(m.find(), "the caption names a file: " + block.caption());
        Path file = hello.resolve(m.group(1));
        Files.createDirectories(file.getParent());
        Files.writeString(file, block.text());
        if (Account.ROOT) {
            Account.asTests(hello, "chown", "-R", "nobody", hello.toString());
        }
    }

    /**
     * Runs a command of the guide in bash after the guide's set-up lines; {@code mvn} runs as the
     * account that runs the tests (whose Maven repository the build reads), everything else as the
     * ordinary account. Returns its standard output; it must exit 0.
     */
    private static String run(Account account, Demo demo, String prelude, Path cwd, String command) throws Exception {
        String script = demo.withPorts(command);
        Account.Result r;
        if (command.startsWith("mvn ")) {
            r = Account.asTests(cwd, "bash", "-c", script);
        } else {
            r = account.run(demo.withPorts(prelude) + (cwd == null ? "" : "cd " + cwd + "\n") + script);
        }
        assertEquals(0, r.exit(), command + "\n" + r);
        return r.out();
    }

    private interface Call {
        String get() throws Exception;
    }

    /** A command shown with a JSON answer must give it ("…" stands for any value); others must just succeed. */
    private static void expectShown(Demo demo, Markdown.Command c, String out, Call again) throws Exception {
        String shown = demo.withPorts(c.shown()).replaceFirst("^\\d{3} ", "");
        if (!shown.startsWith("{")) {
            return;
        }
        String pattern = shown.replaceAll(":…", ":\"…\"");
        JsonNode expected = JSON.readTree(pattern);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        // "sleep 1" after a copy: on a busy host the deploy scan may need a moment more
        while (!matches(expected, readOrNull(out)) && Instant.now().isBefore(deadline) && c.line().contains("-d ")) {
            Thread.sleep(500);
            out = again.get();
        }
        assertTrue(matches(expected, readOrNull(out)), c.line() + "\nshown: " + c.shown() + "\ngot:   " + out);
    }

    private static JsonNode readOrNull(String out) {
        try {
            return JSON.readTree(out);
        } catch (IOException e) {
            return null;
        }
    }

    private static boolean matches(JsonNode expected, JsonNode actual) {
        if (actual == null) {
            return false;
        }
        if (expected.isTextual() && expected.asText().contains("…")) {
            String regex = Pattern.quote(expected.asText()).replace("…", "\\E.*\\Q");
            return actual.isTextual() && actual.asText().matches(regex);
        }
        if (expected.isObject()) {
            for (Map.Entry<String, JsonNode> e : expected.properties()) {
                JsonNode a = actual.get(e.getKey());
                boolean ok = e.getKey().equals("state") && a != null
                        ? List.of("QUEUED", "RUNNING", "DONE").contains(a.asText())      // it moves on
                        : a != null && matches(e.getValue(), a);
                if (!ok) {
                    return false;
                }
            }
            return true;
        }
        return expected.equals(actual);
    }

    private static void awaitDone(Account account, Demo demo, String prelude, String statusUrl) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        JsonNode s;
        do {
            Thread.sleep(300);
            s = JSON.readTree(run(account, demo, prelude, null, "curl -s \"${alice[@]}\" " + statusUrl));
        } while (!List.of("DONE", "FAILED", "CANCELLED").contains(s.path("state").asText())
                && Instant.now().isBefore(deadline));
        assertEquals("DONE", s.path("state").asText(), s.toString());
        assertEquals(0, s.path("exit_code").asInt(-1), s.toString());
    }

    private static void awaitAnswer(Call call, String expected) throws Exception {
        JsonNode want = JSON.readTree(expected);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        String out = call.get();
        while (!want.equals(readOrNull(out)) && Instant.now().isBefore(deadline)) {
            Thread.sleep(250);
            out = call.get();
        }
        assertEquals(want, readOrNull(out), out);
    }

    /** The guide's greet call of its first build block. */
    private static String greetCommand(List<Markdown.Block> blocks) {
        return blocks.stream().filter(b -> b.lang().equals("sh"))
                .flatMap(b -> Markdown.commands(b.text()).stream())
                .filter(c -> c.line().contains("/hello/greet")).findFirst().orElseThrow().withoutComment();
    }
}
