package org.sandgate.service;

import java.util.Locale;
import java.util.Optional;

/**
 * Strength of the credential a request was made with (graduated security).
 *
 * <p>The order of the constants is the order of strength: a tier is enough for a call when it is at
 * least the tier the call requires.
 */
public enum Tier {
    /** No client certificate. */
    ANONYMOUS,
    /** A certificate issued by a CA that the site lists as weak. */
    WEAK,
    /** A certificate issued by any other trusted CA. */
    STRONG;

    /** The lower-case name used in configuration and in JSON. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The tier with this lower-case name, if there is one. */
    public static Optional<Tier> fromWireName(String name) {
        for (Tier tier : values()) {
            if (tier.wireName().equals(name)) {
                return Optional.of(tier);
            }
        }
        return Optional.empty();
    }

    /** Whether this tier is as strong as {@code other} or stronger. */
    public boolean atLeast(Tier other) {
        return compareTo(other) >= 0;
    }
}
