package org.sandgate.client.cli;

/** A command-line argument or setting that cannot be used; the message says which and why (exit 2). */
final class BadArgument extends RuntimeException {
    BadArgument(String message) {
        super(message, null, false, false);
    }
}
