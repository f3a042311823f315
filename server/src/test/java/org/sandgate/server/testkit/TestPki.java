package org.sandgate.server.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.sandgate.server.ca.DevCa;
import org.sandgate.server.ca.GridMapLines;
import org.sandgate.server.ca.IssuedCredential;
import org.sandgate.server.ca.Pem;
import org.sandgate.server.identity.DistinguishedNames;

/**
 * A configuration directory with real certificates made by the development CA: a strong and a weak
 * CA installed as trust anchors, a host certificate for localhost, an empty grid-mapfile.
 */
public final class TestPki {
    public static final String STRONG_CA = "/O=Sandgate Test/CN=Sandgate Test CA";
    public static final String WEAK_CA = "/O=Sandgate Test Weak/CN=Sandgate Test Weak CA";
    /** The example plugins as the build leaves them (the reactor builds them before the server). */
    public static final Path ECHO_JAR = Path.of("..", "services", "examples", "echo", "target", "sandgate-example-echo.jar")
            .toAbsolutePath().normalize();
    public static final Path SLEEPY_JAR = Path.of("..", "services", "examples", "sleepy", "target",
            "sandgate-example-sleepy.jar").toAbsolutePath().normalize();

    public final Path root;
    public final Path conf;
    public final Path trust;
    public final DevCa strong;
    public final DevCa weak;

    /** A client credential: a chain (leaf first) and the leaf's key. */
    public record Credential(X509Certificate[] chain, PrivateKey key) {
        public static Credential of(IssuedCredential c) {
            return new Credential(new X509Certificate[] {c.certificate()}, c.key());
        }

        public String dn() {
            return DistinguishedNames.slashForm(chain[chain.length - 1]
                    .getSubjectX500Principal());
        }

        /**
         * Writes the chain and key as {@code usercert.pem} and {@code userkey.pem} (mode 400) into a
         * directory, where grid tools look for them.
         */
        public PemFiles write(Path directory) throws IOException {
            PemFiles files = new PemFiles(directory.resolve("usercert.pem"), directory.resolve("userkey.pem"));
            Files.createDirectories(directory);
            Pem.writeCertificates(files.cert(), chain);
            Pem.writePrivateKey(files.key(), key);
            Files.setPosixFilePermissions(files.key(), PosixFilePermissions.fromString("r--------"));
            return files;
        }
    }

    /** Where a credential was written: its certificate file and its key file. */
    public record PemFiles(Path cert, Path key) {
    }

    private TestPki(Path root) throws IOException {
        this.root = root;
        this.conf = root.resolve("conf");
        this.trust = conf.resolve("certificates");
        this.strong = DevCa.create(STRONG_CA, Duration.ofDays(30));
        this.weak = DevCa.create(WEAK_CA, Duration.ofDays(30));
        strong.save(root.resolve("ca-strong"));
        weak.save(root.resolve("ca-weak"));
        strong.install(trust, root.resolve("ca-strong"));
        weak.install(trust, root.resolve("ca-weak"));
        strong.issueHost("localhost", List.of("127.0.0.1", "::1"), Duration.ofDays(30))
                .write(conf.resolve("hostcert.pem"), conf.resolve("hostkey.pem"));
        Pem.write(conf.resolve("grid-mapfile"), "", "rw-r--r--");
    }

    public static TestPki create(Path root) throws IOException {
        return new TestPki(root);
    }

    /** A strong user under the strong CA's namespace. */
    public Credential strongUser(String cn) {
        return Credential.of(strong.issueUser(strong.namespace() + "/OU=People/CN=" + cn, Duration.ofDays(1)));
    }

    /** A weak user under the weak CA's namespace. */
    public Credential weakUser(String cn) {
        return Credential.of(weak.issueUser(weak.namespace() + "/OU=People/CN=" + cn, Duration.ofDays(1)));
    }

    /** Copies a plugin jar into the deploy directory. */
    public void deploy(Path jar) throws IOException {
        Path services = conf.resolve("services");
        Files.createDirectories(services);
        Files.copy(jar, services.resolve(jar.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** Adds a grid-mapfile line. */
    public void map(String dn, String... accounts) throws IOException {
        GridMapLines.add(conf.resolve("grid-mapfile"), dn, List.of(accounts));
    }

    /** Writes {@code sandgate.yaml}. */
    public void config(String yaml) throws IOException {
        Files.writeString(conf.resolve("sandgate.yaml"), yaml);
    }

    /** The configuration that marks the weak CA as weak, plus more YAML. */
    public String baseConfig() {
        return "tiers:\n  weak_issuers:\n    - \"" + WEAK_CA + "\"\ntls:\n  refresh_interval: 1s\n";
    }
}
