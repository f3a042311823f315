package org.sandgate.acceptance.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The axe-core accessibility engine, from npm at the version {@code src/test/npm/package-lock.json}
 * pins (installed with {@code npm ci} into {@code target/npm} on first use), injected into the page a
 * {@link Browser} shows and run with the WCAG 2.2 level A and AA rules.
 */
public final class Axe {
    /** The rule tags checked: WCAG 2.0, 2.1 and 2.2 at levels A and AA. */
    public static final List<String> TAGS = List.of("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa");
    private static final Path NPM_SOURCE = Path.of("src/test/npm").toAbsolutePath();
    private static final Path NPM = Path.of("target/npm").toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static String source;

    private Axe() {
    }

    /** One rule the page breaks, with the elements that break it. */
    public record Violation(String id, String impact, String help, List<String> targets) {
        @Override
        public String toString() {
            return id + " (" + impact + "): " + help + " " + targets;
        }
    }

    private static synchronized String source() throws IOException, InterruptedException {
        if (source == null) {
            Path script = NPM.resolve("node_modules/axe-core/axe.min.js");
            if (!Files.isRegularFile(script)) {
                Files.createDirectories(NPM);
                for (String f : List.of("package.json", "package-lock.json")) {
                    Files.copy(NPM_SOURCE.resolve(f), NPM.resolve(f), StandardCopyOption.REPLACE_EXISTING);
                }
                Tools.run(List.of("npm", "ci", "--prefix", NPM.toString(), "--no-audit", "--no-fund", "--ignore-scripts"));
            }
            source = Files.readString(script);
        }
        return source;
    }

    /** The version of axe-core that runs. */
    public static String version(Browser browser) throws IOException, InterruptedException {
        inject(browser);
        return (String) browser.script("return axe.version;");
    }

    private static void inject(Browser browser) throws IOException, InterruptedException {
        if (!Boolean.TRUE.equals(browser.script("return typeof window.axe === 'object';"))) {
            browser.script(source() + "\n;window.axe = axe;");
        }
    }

    /** The WCAG 2.2 A/AA violations of the page the browser shows now. */
    public static List<Violation> violations(Browser browser) throws IOException, InterruptedException {
        inject(browser);
        Object answer = browser.driver().executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})"
                        + ".then(r => done(JSON.stringify(r.violations)), e => done(JSON.stringify({error: String(e)})));",
                TAGS);
        JsonNode result = JSON.readTree((String) answer);
        if (result.has("error")) {
            throw new IllegalStateException("axe-core failed: " + result.path("error").asText());
        }
        List<Violation> violations = new ArrayList<>();
        for (JsonNode v : result) {
            List<String> targets = new ArrayList<>();
            v.path("nodes").forEach(n -> targets.add(n.path("target").toString() + " " + n.path("html").asText()));
            violations.add(new Violation(v.path("id").asText(), v.path("impact").asText(), v.path("help").asText(), targets));
        }
        return violations;
    }

    /** Fails, listing them, when the page the browser shows has WCAG 2.2 A/AA violations. */
    public static void assertAccessible(Browser browser, String page) throws IOException, InterruptedException {
        List<Violation> found = violations(browser);
        if (!found.isEmpty()) {
            StringBuilder s = new StringBuilder(page + " (" + browser.driver().getCurrentUrl() + ") has "
                    + found.size() + " WCAG 2.2 A/AA violations (axe-core):");
            found.forEach(v -> s.append("\n  ").append(v));
            throw new AssertionError(s.toString());
        }
    }
}
