package org.sandgate.client.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** {@code sandgate --version}: the version of the build, which the build writes into the client's resources. */
final class Version implements IVersionProvider {
    static final String RESOURCE = "/org/sandgate/client/version.properties";

    @Override
    public String[] getVersion() {
        return new String[] {"sandgate " + of()};
    }

    /** The build's version, e.g. {@code 0.1.0}; "(unknown build)" when the classes were not built by Maven. */
    static String of() {
        try (InputStream in = Version.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return "(unknown build)";
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "");
            return v.isBlank() || v.startsWith("${") ? "(unknown build)" : v;
        } catch (IOException e) {
            return "(unknown build)";
        }
    }
}
