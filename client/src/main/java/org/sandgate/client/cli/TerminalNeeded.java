package org.sandgate.client.cli;

/** A command had to ask for a pass phrase where there is no terminal to ask on (in the agent). */
public final class TerminalNeeded extends RuntimeException {
    public TerminalNeeded(String why) {
        super(why, null, false, false);
    }
}
