package org.sandgate.process;

/**
 * A command could not be run to its end: it did not start, did not end within its time limit, was
 * interrupted, or what it printed could not be read. A command that ran and failed is no exception:
 * its {@link CommandResult} says so.
 */
public class CommandException extends RuntimeException {
    public CommandException(String message) {
        super(message);
    }

    public CommandException(String message, Throwable cause) {
        super(message, cause);
    }
}
