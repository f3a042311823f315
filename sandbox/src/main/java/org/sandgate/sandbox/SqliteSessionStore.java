package org.sandgate.sandbox;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.sandgate.service.Tier;

/**
 * The session store in an embedded SQLite file, in WAL mode with {@code synchronous=FULL}: a commit is
 * on disk before it returns. One connection, used under a lock (SQLite has one writer anyway).
 */
public final class SqliteSessionStore implements SessionStore {
    private static final String COLUMNS = "id, service, method, owner, account, tier, cost, state, exit_code, "
            + "backend, backend_job_id, message, created, updated, owner_key";
    /** SQL lists of the final states and of the others, from {@link SessionState#terminal()}. */
    private static final String FINISHED = sqlList(SessionState.finalStates());
    private static final String UNFINISHED = sqlList(SessionState.unfinishedStates());

    private final Connection connection;

    /** Opens (and makes, if needed) the store in this file. */
    public SqliteSessionStore(Path file) {
        try {
            connection = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
            try (Statement s = connection.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=FULL");
                s.execute("PRAGMA busy_timeout=5000");
                s.execute("CREATE TABLE IF NOT EXISTS sessions (id TEXT PRIMARY KEY, service TEXT NOT NULL, "
                        + "method TEXT NOT NULL, owner TEXT NOT NULL, account TEXT NOT NULL, tier TEXT NOT NULL, "
                        + "cost REAL NOT NULL, state TEXT NOT NULL, exit_code INTEGER, backend TEXT NOT NULL, "
                        + "backend_job_id TEXT, message TEXT, created TEXT NOT NULL, updated TEXT NOT NULL)");
                s.execute("CREATE TABLE IF NOT EXISTS jobs (id TEXT PRIMARY KEY, spec TEXT NOT NULL)");
                s.execute("CREATE INDEX IF NOT EXISTS sessions_owner ON sessions(owner, created)");
                if (!hasColumn(s, "owner_key")) {
                    // stores made before owner keys: the server fills them in (see withoutOwnerKey)
                    s.execute("ALTER TABLE sessions ADD COLUMN owner_key TEXT NOT NULL DEFAULT ''");
                }
                s.execute("CREATE INDEX IF NOT EXISTS sessions_owner_key ON sessions(owner_key, created)");
                s.execute("CREATE INDEX IF NOT EXISTS sessions_state ON sessions(state)");
            }
        } catch (SQLException e) {
            throw new StoreException("cannot open the session store " + file + ": " + e.getMessage(), e);
        }
    }

    private static boolean hasColumn(Statement s, String column) throws SQLException {
        try (ResultSet r = s.executeQuery("PRAGMA table_info(sessions)")) {
            while (r.next()) {
                if (column.equals(r.getString("name"))) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    public synchronized void insert(Session s, String job) {
        try {
            connection.setAutoCommit(false);
            write("INSERT INTO sessions (" + COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", s, false);
            try (PreparedStatement p = connection.prepareStatement("INSERT INTO jobs (id, spec) VALUES (?, ?)")) {
                p.setString(1, s.id().value());
                p.setString(2, job);
                p.executeUpdate();
            }
            connection.commit();
        } catch (SQLException | StoreException e) {
            rollback();
            throw e instanceof StoreException se ? se
                    : new StoreException("cannot store session " + s.id() + ": " + e.getMessage(), e);
        } finally {
            autoCommit();
        }
    }

    @Override
    public synchronized Optional<String> job(SessionId id) {
        try (PreparedStatement p = connection.prepareStatement("SELECT spec FROM jobs WHERE id=?")) {
            p.setString(1, id.value());
            try (ResultSet r = p.executeQuery()) {
                return r.next() ? Optional.of(r.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read the job of " + id + ": " + e.getMessage(), e);
        }
    }

    private void rollback() {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // the connection reports the original failure
        }
    }

    private void autoCommit() {
        try {
            connection.setAutoCommit(true);
        } catch (SQLException e) {
            throw new StoreException("session store connection broken: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void update(Session s) {
        write("UPDATE sessions SET service=?, method=?, owner=?, account=?, tier=?, cost=?, state=?, exit_code=?, "
                + "backend=?, backend_job_id=?, message=?, created=?, updated=?, owner_key=? WHERE id=?", s, true);
    }

    private void write(String sql, Session s, boolean idLast) {
        try (PreparedStatement p = connection.prepareStatement(sql)) {
            int i = 1;
            if (!idLast) {
                p.setString(i++, s.id().value());
            }
            p.setString(i++, s.service());
            p.setString(i++, s.method());
            p.setString(i++, s.owner());
            p.setString(i++, s.account());
            p.setString(i++, s.tier().wireName());
            p.setDouble(i++, s.cost());
            p.setString(i++, s.state().name());
            p.setObject(i++, s.exitCode().orElse(null));
            p.setString(i++, s.backend());
            p.setString(i++, s.backendJobId().orElse(null));
            p.setString(i++, s.message().orElse(null));
            p.setString(i++, s.created().toString());
            p.setString(i++, s.updated().toString());
            p.setString(i++, s.ownerKey());
            if (idLast) {
                p.setString(i, s.id().value());
            }
            p.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("cannot store session " + s.id() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized Optional<Session> find(SessionId id) {
        List<Session> found = query("SELECT " + COLUMNS + " FROM sessions WHERE id=?", id.value());
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    @Override
    public synchronized List<Session> byOwner(String ownerKey) {
        return query("SELECT " + COLUMNS + " FROM sessions WHERE owner_key=? ORDER BY created DESC", ownerKey);
    }

    @Override
    public synchronized List<Session> byOwnerWithoutKey(String owner) {
        return query("SELECT " + COLUMNS + " FROM sessions WHERE owner_key='' AND owner=? ORDER BY created DESC", owner);
    }

    @Override
    public synchronized List<Session> withoutOwnerKey() {
        return query("SELECT " + COLUMNS + " FROM sessions WHERE owner_key='' ORDER BY created");
    }

    @Override
    public synchronized List<Session> newest(int limit) {
        return query("SELECT " + COLUMNS + " FROM sessions ORDER BY created DESC LIMIT " + Math.max(1, limit));
    }

    @Override
    public synchronized List<Session> unfinished() {
        return query("SELECT " + COLUMNS + " FROM sessions WHERE state IN " + UNFINISHED + " ORDER BY created");
    }

    @Override
    public synchronized List<Session> finishedBefore(Instant cutoff) {
        return query("SELECT " + COLUMNS + " FROM sessions WHERE state IN " + FINISHED + " "
                + "AND updated < ? ORDER BY updated", cutoff.toString());
    }

    @Override
    public synchronized java.util.Map<SessionState, Long> countByState() {
        java.util.Map<SessionState, Long> counts = new java.util.EnumMap<>(SessionState.class);
        try (Statement s = connection.createStatement();
             ResultSet r = s.executeQuery("SELECT state, COUNT(*) FROM sessions GROUP BY state")) {
            while (r.next()) {
                counts.put(SessionState.valueOf(r.getString(1)), r.getLong(2));
            }
            return counts;
        } catch (SQLException e) {
            throw new StoreException("cannot count sessions: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void delete(SessionId id) {
        try (PreparedStatement p = connection.prepareStatement("DELETE FROM sessions WHERE id=?");
             PreparedStatement j = connection.prepareStatement("DELETE FROM jobs WHERE id=?")) {
            p.setString(1, id.value());
            p.executeUpdate();
            j.setString(1, id.value());
            j.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("cannot delete session " + id + ": " + e.getMessage(), e);
        }
    }

    private List<Session> query(String sql, String... params) {
        try (PreparedStatement p = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                p.setString(i + 1, params[i]);
            }
            List<Session> out = new ArrayList<>();
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    Object exit = r.getObject("exit_code");
                    out.add(new Session(new SessionId(r.getString("id")), r.getString("service"),
                            r.getString("method"), r.getString("owner"), r.getString("owner_key"), r.getString("account"),
                            // a tier this version does not know gets the smallest limits
                            Tier.fromWireName(r.getString("tier")).orElse(Tier.ANONYMOUS),
                            r.getDouble("cost"), SessionState.valueOf(r.getString("state")),
                            exit == null ? Optional.empty() : Optional.of(((Number) exit).intValue()),
                            r.getString("backend"), Optional.ofNullable(r.getString("backend_job_id")),
                            Optional.ofNullable(r.getString("message")), Instant.parse(r.getString("created")),
                            Instant.parse(r.getString("updated"))));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new StoreException("cannot read sessions: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            throw new StoreException("cannot close the session store: " + e.getMessage(), e);
        }
    }

    private static String sqlList(List<SessionState> states) {
        return states.stream().map(st -> "'" + st.name() + "'")
                .collect(Collectors.joining(",", "(", ")"));
    }
}
