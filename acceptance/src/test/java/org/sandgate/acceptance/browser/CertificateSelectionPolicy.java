package org.sandgate.acceptance.browser;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Chromium's {@code AutoSelectCertificateForUrls} policy for one origin, so that a headless browser
 * presents the user's certificate without the selection dialog. Debian's Chromium reads managed
 * policies only from {@code /etc/chromium/policies/managed} (its command-line policy switch is not
 * honoured by a release build), so this is a file on the host: one per test run, named after the
 * process, removed when closed; files that a run which died left behind are removed when the next one
 * starts. Chromium takes a policy from one file only, so further origins (a second site of the same
 * run) are added to this file. Run the tests that use it under the host lock, like every test that
 * changes the host.
 */
public final class CertificateSelectionPolicy implements AutoCloseable {
    static final Path DIR = Path.of("/etc/chromium/policies/managed");
    private static final String PREFIX = "sandgate-test-";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;
    private final List<String> origins = new java.util.ArrayList<>();

    private CertificateSelectionPolicy(Path file) {
        this.file = file;
    }

    /** Chromium presents, to {@code origin} ({@code https://localhost:PORT}), the first certificate its server accepts. */
    public static CertificateSelectionPolicy forOrigin(String origin) throws IOException {
        Files.createDirectories(DIR);
        removeAbandoned();
        CertificateSelectionPolicy policy = new CertificateSelectionPolicy(DIR.resolve(PREFIX + ProcessHandle.current().pid() + ".json"));
        policy.add(origin);
        return policy;
    }

    /** Chromium presents certificates to {@code origin} too (browsers started from now on). */
    public synchronized void add(String origin) throws IOException {
        origins.add(origin);
        write();
    }

    /** Chromium no longer presents certificates to {@code origin} (browsers started from now on). */
    public synchronized void remove(String origin) throws IOException {
        origins.remove(origin);
        write();
    }

    private void write() throws IOException {
        List<String> rules = new java.util.ArrayList<>();
        for (String origin : origins) {
            rules.add(JSON.writeValueAsString(Map.of("pattern", origin, "filter", Map.of())));
        }
        Files.writeString(file, JSON.writeValueAsString(Map.of("AutoSelectCertificateForUrls", rules)));
    }

    private static void removeAbandoned() throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(DIR, PREFIX + "*.json")) {
            for (Path f : files) {
                String pid = f.getFileName().toString().replaceAll("\\D", "");
                if (pid.isEmpty() || ProcessHandle.of(Long.parseLong(pid)).isEmpty()) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        Files.deleteIfExists(file);
    }
}
