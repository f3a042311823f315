package org.sandgate.acceptance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.sandgate.acceptance.browser.Browser;
import org.sandgate.acceptance.browser.CertificateSelectionPolicy;
import org.sandgate.acceptance.browser.NssDatabase;
import org.sandgate.acceptance.browser.Tools;

/**
 * The README's demo, run as an ordinary account, and the people who visit it with a browser: each
 * trusts the demo CA and holds one demo user's {@code .p12} in the NSS database of a home of their own
 * ({@code alice} strong, {@code bob} weak, {@code carol} strong but unmapped, {@code anonymous} none,
 * {@code mallory} a certificate from a forged CA bearing the demo CA's name).
 */
final class BrowserDemo implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    final Account account;
    final Demo demo;
    private final CertificateSelectionPolicy policy;
    private final boolean ownsPolicy;
    private final Path homes;
    private final java.util.concurrent.atomic.AtomicInteger homesMade = new java.util.concurrent.atomic.AtomicInteger();

    private BrowserDemo(Account account, Demo demo, CertificateSelectionPolicy policy, boolean ownsPolicy, Path homes) {
        this.account = account;
        this.demo = demo;
        this.policy = policy;
        this.ownsPolicy = ownsPolicy;
        this.homes = homes;
    }

    /** Starts the demo ({@code bin/sandgate-server demo}) and the policy that makes Chromium present certificates to it. */
    static BrowserDemo start() throws Exception {
        return start("", null);
    }

    /**
     * A second demo beside this one, on a site of its own whose {@code sandgate.yaml} ends with
     * {@code configuration} (as {@code admins:}); Chromium presents certificates to it too.
     */
    BrowserDemo another(String configuration) throws Exception {
        return start(configuration, policy);
    }

    private static BrowserDemo start(String configuration, CertificateSelectionPolicy shared) throws Exception {
        Tools.requireBrowser();
        Account account = new Account("sandgate-browser");
        try {
            if (!configuration.isEmpty()) {
                Account.Result setup = account.run("bin/sandgate-server demo --setup-only && cat >> sandgate-demo/conf/sandgate.yaml <<'EOF'\n"
                        + configuration + "EOF");
                assertEquals(0, setup.exit(), setup.toString());
            }
            Demo demo = Demo.start(account, "bin/sandgate-server demo");
            awaitDeployed(account, demo, "sleepy");
            String origin = "https://localhost:" + demo.httpsPort;
            if (shared != null) {
                shared.add(origin);
                return new BrowserDemo(account, demo, shared, false, Files.createTempDirectory("sandgate-browser-homes"));
            }
            CertificateSelectionPolicy policy = CertificateSelectionPolicy.forOrigin(origin);
            return new BrowserDemo(account, demo, policy, true, Files.createTempDirectory("sandgate-browser-homes"));
        } catch (Exception | AssertionError e) {
            account.close();
            throw e;
        }
    }

    /** Waits until the demo lists an example service: the deployer reads the copied jars after the banner. */
    private static void awaitDeployed(Account account, Demo demo, String name) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (Instant.now().isBefore(deadline)) {
            Account.Result r = account.run("curl -sS --cacert sandgate-demo/ca-strong/ca.pem https://localhost:"
                    + demo.httpsPort + "/api/v1/services");
            if (r.exit() == 0) {
                for (JsonNode s : JSON.readTree(r.out()).path("services")) {
                    if (s.path("name").asText().equals(name)) {
                        return;
                    }
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError(name + " was not deployed in 30 s (the demo deploys the example jars that are built:"
                + " services/examples/*/target):\n" + demo.output());
    }

    /** {@code https://localhost:PORT}. */
    String origin() {
        return "https://localhost:" + demo.httpsPort;
    }

    /** A file of the demo site ({@code sandgate-demo/...}). */
    Path site(String path) {
        return account.dir.resolve("sandgate-demo").resolve(path);
    }

    /** A fresh NSS database (in a home of its own) of one of the visitors named in the class comment. */
    NssDatabase person(String name) throws Exception {
        NssDatabase nss = NssDatabase.create(homes, name + "-" + homesMade.incrementAndGet())
                .trustCa(site("ca-strong/ca.pem"), "Sandgate Demo CA");
        return name.equals("anonymous") ? nss : nss.importCredential(credential(name), password(name));
    }

    private Path credential(String name) throws Exception {
        return name.equals("mallory") ? forgedCredential() : site("users/" + name + "/usercred.p12");
    }

    private static String password(String name) {
        return name.equals("mallory") ? "forged" : "demo";
    }

    /** A browser of one visitor, with or without JavaScript. */
    Browser browser(String name, boolean javaScript) throws Exception {
        return Browser.start(person(name), javaScript);
    }

    /** A .p12 of "CN=Mallory" issued by a self-made CA that bears the demo CA's name. */
    private Path forgedCredential() throws Exception {
        Path dir = homes.resolve("forger");
        if (!Files.exists(dir.resolve("user.p12"))) {
            Files.createDirectories(dir);
            String script = String.join(" && ",
                    "openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2"
                            + " -subj '/O=Sandgate Demo/CN=Sandgate Demo CA'",
                    "openssl req -newkey rsa:2048 -nodes -keyout user.key -out user.csr"
                            + " -subj '/O=Sandgate Demo/OU=People/CN=Mallory'",
                    "openssl x509 -req -in user.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out user.pem -days 2",
                    "openssl pkcs12 -export -in user.pem -inkey user.key -certfile ca.pem -out user.p12 -passout pass:forged");
            Account.Result r = Account.asTests(dir, "bash", "-c", script);
            assertEquals(0, r.exit(), r.toString());
        }
        return dir.resolve("user.p12");
    }

    /** Runs curl as the account with a demo user's PEM credential ({@code null}: anonymous); returns the answer as JSON. */
    JsonNode curl(String user, String arguments) throws Exception {
        String cert = user == null ? "" : " --cert " + site("users/" + user + "/usercert.pem") + " --key "
                + site("users/" + user + "/userkey.pem");
        Account.Result r = account.run("curl -sS --cacert " + site("ca-strong/ca.pem") + cert + " " + arguments);
        assertEquals(0, r.exit(), r.toString());
        return JSON.readTree(r.out());
    }

    /** Puts a YAML command service into the demo's deploy directory and waits until it is deployed. */
    void deploy(String name, String yaml) throws Exception {
        Path file = site("conf/services/" + name + ".yaml");
        Path staged = account.dir.resolve(name + ".yaml.new");
        Files.writeString(staged, yaml);
        assertEquals(0, Account.asTests(account.dir, "chown", account.name(), staged.toString()).exit());
        assertEquals(0, account.run("mv " + staged + " " + file).exit());
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (Instant.now().isBefore(deadline)) {
            for (JsonNode s : curl(null, origin() + "/api/v1/services").path("services")) {
                if (s.path("name").asText().equals(name)) {
                    return;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError(name + " was not deployed in 30 s:\n" + demo.output());
    }

    /** Waits until a session is in one of the states; returns its status. */
    JsonNode awaitState(String user, String session, String... states) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        JsonNode s;
        do {
            s = curl(user, origin() + "/api/v1/sessions/" + session);
            if (java.util.Arrays.asList(states).contains(s.path("state").asText())) {
                return s;
            }
            Thread.sleep(200);
        } while (Instant.now().isBefore(deadline));
        throw new AssertionError("session " + session + " did not reach " + String.join("/", states) + ": " + s);
    }

    @Override
    public void close() throws Exception {
        try {
            if (ownsPolicy) {
                policy.close();
            } else {
                policy.remove(origin());
            }
            demo.stop();
        } finally {
            account.close();
            Account.asTests(Path.of("/"), "rm", "-rf", homes.toString());
        }
    }
}
