package org.sandgate.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sandgate.service.Tier;

class SqliteSessionStoreTest {
    @TempDir
    Path dir;

    private static Session session(String owner, Instant created) {
        return new Session(SessionId.random(), "sleepy", "add", owner, owner, "acct", Tier.STRONG, 2.0, SessionState.QUEUED,
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
    void aStoreMadeBeforeOwnerKeysOpensAndListsItsOldRowsWithoutOne() throws Exception {
        Path file = dir.resolve("old.db");
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + file);
             java.sql.Statement st = c.createStatement()) {
            st.execute("CREATE TABLE sessions (id TEXT PRIMARY KEY, service TEXT NOT NULL, "
                    + "method TEXT NOT NULL, owner TEXT NOT NULL, account TEXT NOT NULL, tier TEXT NOT NULL, "
                    + "cost REAL NOT NULL, state TEXT NOT NULL, exit_code INTEGER, backend TEXT NOT NULL, "
                    + "backend_job_id TEXT, message TEXT, created TEXT NOT NULL, updated TEXT NOT NULL)");
            st.execute("INSERT INTO sessions VALUES ('" + SessionId.random().value() + "', 'sleepy', 'add', "
                    + "'/O=A/CN=B', 'acct', 'strong', 1.0, 'DONE', 0, 'local', NULL, NULL, "
                    + "'2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')");
        }
        try (SqliteSessionStore store = new SqliteSessionStore(file)) {
            List<Session> old = store.withoutOwnerKey();
            assertEquals(1, old.size());
            assertEquals("", old.get(0).ownerKey());
            assertEquals(old, store.byOwnerWithoutKey("/O=A/CN=B"));
            store.update(new Session(old.get(0).id(), "sleepy", "add", "/O=A/CN=B", "cn=b,o=a", "acct", Tier.STRONG, 1.0,
                    SessionState.DONE, Optional.of(0), "local", Optional.empty(), Optional.empty(),
                    old.get(0).created(), old.get(0).updated()));
            assertEquals(List.of(), store.withoutOwnerKey());
            assertEquals(1, store.byOwner("cn=b,o=a").size());
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
