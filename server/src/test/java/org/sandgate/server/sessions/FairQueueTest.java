package org.sandgate.server.sessions;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.sandgate.sandbox.Session;
import org.sandgate.sandbox.SessionId;
import org.sandgate.sandbox.SessionState;
import org.sandgate.service.Tier;

class FairQueueTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private int n;

    private Session queued(String owner) {
        Instant at = T0.plusSeconds(n++);
        // the shown name and the compared key differ, as they do for real callers (slash form, RFC 2253)
        return new Session(SessionId.random(), "s", "m", "/CN=" + owner, owner, "acct", Tier.STRONG, 1, SessionState.QUEUED,
                Optional.empty(), "local", Optional.empty(), Optional.empty(), at, at);
    }

    private static List<String> owners(List<Session> sessions) {
        return sessions.stream().map(FairQueue::ownerOf).toList();
    }

    @Test
    void aLateOwnerWithNothingRunningGoesBeforeAnOwnerWithManyQueued() {
        List<Session> waiting = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            waiting.add(queued("dave"));
        }
        waiting.add(queued("alice"));
        assertEquals(List.of("alice"), owners(FairQueue.next(waiting, Map.of("dave", 2), 1)));
    }

    @Test
    void freeSlotsAreSharedRoundRobinAndEachOwnersJobsKeepTheirOrder() {
        Session d1 = queued("dave");
        Session d2 = queued("dave");
        Session d3 = queued("dave");
        Session a1 = queued("alice");
        Session a2 = queued("alice");
        Session b1 = queued("bob");
        List<Session> start = FairQueue.next(List.of(d1, d2, d3, a1, a2, b1), Map.of(), 5);
        assertEquals(List.of(d1, a1, b1, d2, a2), start);
    }

    @Test
    void theOwnerWithFewestRunningGoesFirstAndTiesGoToTheOldestWaiting() {
        Session d1 = queued("dave");
        Session a1 = queued("alice");
        Session b1 = queued("bob");
        assertEquals(List.of(b1, a1), FairQueue.next(List.of(d1, a1, b1), Map.of("dave", 3, "alice", 1), 2));
        assertEquals(List.of(d1, a1, b1), FairQueue.next(List.of(d1, a1, b1), Map.of(), 10));
    }

    @Test
    void noFreeSlotStartsNothing() {
        assertEquals(List.of(), FairQueue.next(List.of(queued("dave")), Map.of(), 0));
    }
}
