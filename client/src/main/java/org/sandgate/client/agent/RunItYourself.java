package org.sandgate.client.agent;

/**
 * A command cannot run in the agent (it has to ask for a pass phrase on a terminal): the launcher
 * runs it in a process of its own, as long as the command has written nothing yet.
 */
public final class RunItYourself extends RuntimeException {
    public RunItYourself(String why) {
        super(why, null, false, false);
    }
}
