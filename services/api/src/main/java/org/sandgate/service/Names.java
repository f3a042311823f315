package org.sandgate.service;

import java.util.regex.Pattern;

/**
 * The one form of the names a service gives: method names, argument names and the words of a
 * service name (which joins up to 16 of them with dots) are each a lower-case letter followed by at
 * most 63 lower-case letters, digits and underscores. Such a name is safe in a URL path, a YAML key
 * and an argv placeholder {@code {name}} alike.
 */
public final class Names {
    /** A method or argument name, or one word of a service name. */
    public static final Pattern WORD = Pattern.compile("[a-z][a-z0-9_]{0,63}");
    /** The name of an environment variable a job may be given. */
    public static final Pattern ENVIRONMENT_VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private Names() {
    }

    /** Whether {@code name} is a {@linkplain #WORD word}. */
    public static boolean isWord(String name) {
        return name != null && WORD.matcher(name).matches();
    }

    /** Whether {@code name} may name an {@linkplain #ENVIRONMENT_VARIABLE environment variable} of a job. */
    public static boolean isEnvironmentVariable(String name) {
        return name != null && ENVIRONMENT_VARIABLE.matcher(name).matches();
    }
}
