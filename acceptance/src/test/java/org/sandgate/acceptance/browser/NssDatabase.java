package org.sandgate.acceptance.browser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A browser user's NSS database, {@code HOME/.pki/nssdb}, where Chromium on Linux keeps the user's
 * certificates and the CAs they trust; made with {@code certutil} and {@code pk12util} as the README
 * tells a user to.
 */
public final class NssDatabase {
    private final Path home;
    private final String db;

    private NssDatabase(Path home) {
        this.home = home;
        this.db = "sql:" + home.resolve(".pki/nssdb");
    }

    /** An empty database (no password) in a new home directory under {@code parent}. */
    public static NssDatabase create(Path parent, String name) throws IOException, InterruptedException {
        Path home = Files.createDirectories(parent.resolve(name));
        Files.createDirectories(home.resolve(".pki/nssdb"));
        NssDatabase nss = new NssDatabase(home);
        Tools.run(List.of("certutil", "-N", "-d", nss.db, "--empty-password"));
        return nss;
    }

    /** The home directory whose database this is (the browser's {@code HOME}). */
    public Path home() {
        return home;
    }

    /** Trusts a CA to identify web sites ({@code certutil -A -t C,,}). */
    public NssDatabase trustCa(Path caPem, String nickname) throws IOException, InterruptedException {
        Tools.run(List.of("certutil", "-A", "-d", db, "-t", "C,,", "-n", nickname, "-i", caPem.toString()));
        return this;
    }

    /** Imports a user's certificate and key from a PKCS#12 file ({@code pk12util -i}). */
    public NssDatabase importCredential(Path p12, String password) throws IOException, InterruptedException {
        Tools.run(List.of("pk12util", "-d", db, "-i", p12.toString(), "-W", password));
        return this;
    }

    /** The nicknames and trust flags the database holds ({@code certutil -L}). */
    public String list() throws IOException, InterruptedException {
        return Tools.run(List.of("certutil", "-L", "-d", db));
    }
}
