package org.sandgate.server.testkit;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A site with these users and services, started for the tests of one class: certificates made by the
 * development CA, users mapped in the grid-mapfile, plugins in the deploy directory, a configuration,
 * and the real server on ephemeral ports, all in a directory of its own that is removed afterwards.
 * Register it as a static field:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final Site site = Site.with().user("Alice").deploy(TestPki.SLEEPY_JAR)
 *         .config("batch:\n  local:\n    slots: 2\n").build();
 * ...
 * Https.Reply r = site.post(site.user("Alice"), "/api/v1/services/sleepy/add", "{\"args\": [0, 1, 2]}");
 * }</pre>
 *
 * Each user gets one HTTPS client for the whole class, so that its requests share kept-alive
 * connections instead of a handshake each.
 */
public final class Site implements BeforeAllCallback, AfterAllCallback {
    /** A step that prepares the configuration directory before the server starts. */
    @FunctionalInterface
    public interface Step {
        void apply(Site site) throws Exception;
    }

    private record User(String cn, boolean weak, List<String> accounts) {
    }

    private final List<Function<Site, String>> config;
    private final List<Step> steps;
    private final Object[] extraApi;
    private final Map<String, TestPki.Credential> credentials = new LinkedHashMap<>();
    private final Map<TestPki.Credential, Https> clients = new ConcurrentHashMap<>();
    private volatile Https anonymous;
    private final Path dir;
    private final TestPki pki;
    private TestServer server;

    /** Makes the CAs and the users' certificates at once, so that tests may keep them in static fields. */
    private Site(Builder b) throws IOException {
        this.dir = Files.createTempDirectory("sandgate-site-");
        // a class can be initialised without being run (a tag filter, a failed sibling): its site goes at exit then
        Runtime.getRuntime().addShutdownHook(new Thread(this::removeQuietly, "remove " + dir));
        this.pki = TestPki.create(dir);
        for (User u : b.users) {
            TestPki.Credential c = u.weak() ? pki.weakUser(u.cn()) : pki.strongUser(u.cn());
            credentials.put(u.cn(), c);
            if (!u.accounts().isEmpty()) {
                pki.map(c.dn(), u.accounts().toArray(String[]::new));
            }
        }
        this.config = List.copyOf(b.config);
        this.steps = List.copyOf(b.steps);
        this.extraApi = b.extraApi;
    }

    /** A site to describe. */
    public static Builder with() {
        return new Builder();
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        StringBuilder yaml = new StringBuilder(pki.baseConfig());
        for (Function<Site, String> part : config) {
            yaml.append(part.apply(this));
        }
        pki.config(yaml.toString());
        Files.createDirectories(pki.conf.resolve("services"));
        for (Step step : steps) {
            step.apply(this);
        }
        server = TestServer.start(pki.conf, extraApi);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try {
            if (server != null) {
                server.close();
            }
        } finally {
            removeTree(dir);
        }
    }

    /** Restarts the server on the same directories (new ports), as after a crash or an upgrade. */
    public void restart() throws Exception {
        if (server != null) {
            server.close();
        }
        server = null;
        clients.clear();
        anonymous = null;
        server = TestServer.start(pki.conf, extraApi);
    }

    /** The site's directory: {@code conf/} (the configuration), {@code var/} (the data), the CAs. */
    public Path dir() {
        return dir;
    }

    public TestPki pki() {
        return pki;
    }

    /** The running server. */
    public TestServer server() {
        return Objects.requireNonNull(server, "this site's server is not started");
    }

    /** The credential of a user named when the site was described. */
    public TestPki.Credential user(String cn) {
        TestPki.Credential c = credentials.get(cn);
        if (c == null) {
            throw new IllegalArgumentException("no user " + cn + " on this site: " + credentials.keySet());
        }
        return c;
    }

    /** The DN of a user of this site (in {@link Builder#config(Function)} too). */
    public String dn(String cn) {
        return user(cn).dn();
    }

    /** The sandbox directory of a session: named with the server's key, or by id where an earlier version made it. */
    public Path sandbox(String session) {
        Path sandboxes = dir.resolve("var").resolve("sandboxes");
        if (java.nio.file.Files.isDirectory(sandboxes.resolve(session))) {
            return sandboxes.resolve(session);
        }
        try {
            return sandboxes.resolve(org.sandgate.sandbox.SandboxNames.load(dir.resolve("var").resolve("state")
                    .resolve("sandbox-names.key")).nameOf(new org.sandgate.sandbox.SessionId(session)));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The HTTPS address of a path on this site's server. */
    public URI https(String path) {
        return server().https(path);
    }

    /** The one client of a user ({@code null}: no certificate), trusting the site's strong CA. */
    public Https as(TestPki.Credential who) {
        try {
            if (who == null) {
                Https a = anonymous;
                if (a == null) {
                    a = new Https(null, pki.strong.certificate());
                    anonymous = a;
                }
                return a;
            }
            Https existing = clients.get(who);
            if (existing != null) {
                return existing;
            }
            Https made = new Https(who, pki.strong.certificate());
            Https raced = clients.putIfAbsent(who, made);
            return raced == null ? made : raced;
        } catch (java.security.GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot make a TLS client for " + (who == null ? "anonymous" : who.dn()), e);
        }
    }

    public Https.Reply get(TestPki.Credential who, String path) throws IOException, InterruptedException {
        return as(who).get(https(path));
    }

    /** POSTs a JSON body. */
    public Https.Reply post(TestPki.Credential who, String path, String json) throws IOException, InterruptedException {
        return send(who, HttpRequest.newBuilder(https(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    public Https.Reply delete(TestPki.Credential who, String path) throws IOException, InterruptedException {
        return send(who, HttpRequest.newBuilder(https(path)).DELETE());
    }

    public Https.Reply send(TestPki.Credential who, HttpRequest.Builder request) throws IOException, InterruptedException {
        return as(who).send(request.build());
    }

    /** A site being described; {@link #build()} makes the extension. */
    public static final class Builder {
        private final List<User> users = new ArrayList<>();
        private final List<Function<Site, String>> config = new ArrayList<>();
        private final List<Step> steps = new ArrayList<>();
        private Object[] extraApi = new Object[0];

        private Builder() {
        }

        /**
         * A user with a certificate of the strong CA, mapped to {@code accounts}, or when none are
         * given to the first word of the name in lower case ({@code "Ada Admin"} is {@code ada}).
         */
        public Builder user(String cn, String... accounts) {
            users.add(new User(cn, false, accountsOf(cn, accounts)));
            return this;
        }

        /** A user with a certificate of the weak CA, mapped as {@link #user} maps. */
        public Builder weakUser(String cn, String... accounts) {
            users.add(new User(cn, true, accountsOf(cn, accounts)));
            return this;
        }

        /** A user with a certificate of the strong CA and no grid-mapfile line. */
        public Builder unmappedUser(String cn) {
            users.add(new User(cn, false, List.of()));
            return this;
        }

        /** Copies a plugin jar into the deploy directory. */
        public Builder deploy(Path jar) {
            steps.add(site -> site.pki().deploy(jar));
            return this;
        }

        /** YAML appended to the configuration (after the one that names the weak CA). */
        public Builder config(String yaml) {
            config.add(site -> yaml);
            return this;
        }

        /** YAML appended to the configuration, made when the users exist (to name their DNs). */
        public Builder config(Function<Site, String> yaml) {
            config.add(yaml);
            return this;
        }

        /** Anything else to prepare before the server starts (plugins built in the test, key files). */
        public Builder before(Step step) {
            steps.add(step);
            return this;
        }

        /** Extra API components, as {@link TestServer#start} takes them. */
        public Builder api(Object... components) {
            this.extraApi = components.clone();
            return this;
        }

        public Site build() {
            try {
                return new Site(this);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot make the site's directory", e);
            }
        }

        private static List<String> accountsOf(String cn, String... accounts) {
            return accounts.length > 0 ? List.of(accounts) : List.of(cn.split(" ")[0].toLowerCase(Locale.ROOT));
        }
    }

    private void removeQuietly() {
        try {
            removeTree(dir);
        } catch (IOException e) {
            System.err.println("cannot remove the test site " + dir + ": " + e);
        }
    }

    private static void removeTree(Path root) throws IOException {
        if (root == null || !Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                // jobs may leave directories without write permission; the tests run as their owner or root
                d.toFile().setWritable(true, true);
                d.toFile().setExecutable(true, true);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                Files.delete(f);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
