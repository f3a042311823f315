package org.sandgate.server.portal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The portal's scripts and style sheet, served from the server's own jars (htmx and its SSE
 * extension from their webjars): a page loads nothing from anywhere else.
 */
final class Assets {
    /** A file and its media type. */
    record Asset(byte[] bytes, String type) {
    }

    private final Map<String, Asset> byName;

    Assets() {
        String htmxVersion = webjarVersion("htmx.org");
        String sseVersion = webjarVersion("htmx-ext-sse");
        byName = Map.of(
                "htmx.min.js", load("/META-INF/resources/webjars/htmx.org/" + htmxVersion + "/dist/htmx.min.js",
                        "text/javascript"),
                "sse.js", load("/META-INF/resources/webjars/htmx-ext-sse/" + sseVersion + "/sse.js", "text/javascript"),
                "portal.js", load("/org/sandgate/server/portal/assets/portal.js", "text/javascript"),
                "portal.css", load("/org/sandgate/server/portal/assets/portal.css", "text/css"));
    }

    /** The asset of this name ({@code /assets/NAME}). */
    Optional<Asset> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** The version of a webjar on the class path, from its Maven properties. */
    private static String webjarVersion(String artifact) {
        String resource = "/META-INF/maven/org.webjars.npm/" + artifact + "/pom.properties";
        try (InputStream in = Assets.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the class path");
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Asset load(String resource, String type) {
        try (InputStream in = Assets.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the class path");
            }
            return new Asset(in.readAllBytes(), type + "; charset=utf-8");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
