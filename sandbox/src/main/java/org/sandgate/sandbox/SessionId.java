package org.sandgate.sandbox;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A session id: 32 lower-case hex digits (128 bits) from a cryptographic RNG. The sandbox URL built
 * from it is a capability, so it must not be guessable.
 */
public record SessionId(String value) {
    private static final Pattern FORM = Pattern.compile("[0-9a-f]{32}");
    private static final SecureRandom RANDOM = new SecureRandom();

    public SessionId {
        if (value == null || !FORM.matcher(value).matches()) {
            throw new IllegalArgumentException("not a session id");
        }
    }

    /** A new random id. */
    public static SessionId random() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return new SessionId(HexFormat.of().formatHex(bytes));
    }

    /** The id in a string from a URL, if it is one. */
    public static Optional<SessionId> parse(String text) {
        return text != null && FORM.matcher(text).matches() ? Optional.of(new SessionId(text)) : Optional.empty();
    }

    @Override
    public String toString() {
        return value;
    }
}
