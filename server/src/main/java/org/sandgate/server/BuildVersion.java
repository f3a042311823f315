package org.sandgate.server;

import java.util.Optional;

/**
 * The version of the build: the server jar manifest's {@code Implementation-Version}, which the build
 * sets to the project's version. Empty when the classes do not come from the jar (a development run
 * from {@code target/classes}).
 */
public final class BuildVersion {
    private BuildVersion() {
    }

    /** The build's version, if the server runs from its jar. */
    public static Optional<String> current() {
        return Optional.ofNullable(BuildVersion.class.getPackage().getImplementationVersion());
    }

    /** The build's version, or {@code development build}. */
    public static String describe() {
        return current().orElse("development build");
    }
}
