package org.sandgate.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteSessionStoreTest {
    @TempDir
    Path dir;

    private static Session session(String owner, Instant created) {
        return new Session(SessionId.random(), "sleepy", "add", owner, "acct", "strong", 2.0, SessionState.QUEUED,
                Optional.empty(), "local", Optional.empty(), Optional.empty(), created, created);
    }

    @Test
    void sessionsSurviveReopeningTheStore() {
        Path file = dir.resolve("sessions.db");
        Session s = session("/O=A/CN=B", Instant.parse("2026-01-01T00:00:00Z"));
        try (SqliteSessionStore store = new SqliteSessionStore(file)) {
            store.insert(s, "{\"argv\":[\"true\"]}");
            store.update(s.submitted(s.id().value(), SessionState.RUNNING, Instant.parse("2026-01-01T00:00:01Z")));
        }
        try (SqliteSessionStore store = new SqliteSessionStore(file)) {
            Session back = store.find(s.id()).orElseThrow();
            assertEquals(SessionState.RUNNING, back.state());
            assertEquals(Optional.of(s.id().value()), back.backendJobId());
            assertEquals(Optional.of("{\"argv\":[\"true\"]}"), store.job(s.id()));
            assertEquals(List.of(back), store.unfinished());
        }
    }

    @Test
    void ownersSeeOnlyTheirOwnNewestFirst() {
        try (SqliteSessionStore store = new SqliteSessionStore(dir.resolve("s.db"))) {
            Session old = session("/O=A/CN=B", Instant.parse("2026-01-01T00:00:00Z"));
            Session young = session("/O=A/CN=B", Instant.parse("2026-01-02T00:00:00Z"));
            Session other = session("/O=A/CN=C", Instant.parse("2026-01-03T00:00:00Z"));
            store.insert(old, "{}");
            store.insert(young, "{}");
            store.insert(other, "{}");
            assertEquals(List.of(young.id(), old.id()), store.byOwner("/O=A/CN=B").stream().map(Session::id).toList());
        }
    }

    @Test
    void finishedSessionsAreFoundByAgeAndDeletedWithTheirJob() {
        try (SqliteSessionStore store = new SqliteSessionStore(dir.resolve("s.db"))) {
            Session s = session("o", Instant.parse("2026-01-01T00:00:00Z"));
            store.insert(s, "{}");
            Session done = s.withState(SessionState.DONE, Optional.of(0), Optional.empty(),
                    Instant.parse("2026-01-01T00:01:00Z"));
            store.update(done);
            assertEquals(List.of(done), store.finishedBefore(Instant.parse("2026-01-02T00:00:00Z")));
            assertTrue(store.finishedBefore(Instant.parse("2026-01-01T00:00:30Z")).isEmpty());
            assertEquals(1L, store.countByState().get(SessionState.DONE));
            store.delete(s.id());
            assertEquals(Optional.empty(), store.find(s.id()));
            assertEquals(Optional.empty(), store.job(s.id()));
        }
    }
}
