package org.sandgate.server.cli;

import picocli.CommandLine;

/** The version of the build: the jar manifest's Implementation-Version, which the build sets to the project's. */
final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = Main.class.getPackage().getImplementationVersion();
        return new String[] {"sandgate-server " + (v == null ? "(development build)" : v)};
    }
}
