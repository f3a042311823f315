package org.sandgate.server.cli;

import org.sandgate.server.BuildVersion;
import picocli.CommandLine;

/** The version of the build (see {@link BuildVersion}). */
final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"sandgate-server " + BuildVersion.current().orElse("(development build)")};
    }
}
