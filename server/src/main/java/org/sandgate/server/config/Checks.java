package org.sandgate.server.config;

import java.time.Duration;
import java.util.List;

/** The shapes of check the configuration records share; each adds {@code key '...': ...} problems. */
final class Checks {
    private Checks() {
    }

    static void atLeast(List<String> problems, String key, Duration value, Duration min) {
        if (value.compareTo(min) < 0) {
            problems.add("key '" + key + "': must be at least " + Durations.format(min));
        }
    }

    static void atLeast(List<String> problems, String key, long value, long min) {
        if (value < min) {
            problems.add("key '" + key + "': must be at least " + min);
        }
    }

    static void port(List<String> problems, String key, int port) {
        if (port < 0 || port > 65535) {
            problems.add("key '" + key + "': " + port + " is not a port (0 to 65535)");
        }
    }
}
