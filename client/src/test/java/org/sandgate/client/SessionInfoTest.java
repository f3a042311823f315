package org.sandgate.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.sandgate.sandbox.SessionState;

class SessionInfoTest {
    @Test
    void theClientCallsFinalExactlyTheStatesTheServerCallsFinal() {
        for (SessionState state : SessionState.values()) {
            assertEquals(state.terminal(), SessionInfo.isFinal(state.name()), state.name());
        }
    }
}
