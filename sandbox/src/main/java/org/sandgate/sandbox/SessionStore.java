package org.sandgate.sandbox;

import java.util.List;
import java.util.Optional;

/**
 * Durable state of the sessions. Every change is on disk when the call returns, so a crash or a
 * {@code kill -9} of the server loses no session. SQLite is the embedded implementation; the
 * interface keeps the way open for PostgreSQL.
 */
public interface SessionStore extends AutoCloseable {

    /** Stores a new session with the description of its job (opaque text, JSON), in one transaction. */
    void insert(Session session, String job);

    /** The description of a session's job, as stored with it. */
    Optional<String> job(SessionId id);

    /** Replaces a stored session with its new state. */
    void update(Session session);

    Optional<Session> find(SessionId id);

    /** The sessions of one owner, newest first. */
    List<Session> byOwner(String ownerKey);

    /**
     * Sessions stored before owner keys were kept whose owner's DN could not be turned into one, with
     * this owner as shown; newest first.
     */
    List<Session> byOwnerWithoutKey(String owner);

    /** Sessions that have no owner key yet (stored by an earlier version), oldest first. */
    List<Session> withoutOwnerKey();

    /** The newest sessions of every owner, newest first, at most {@code limit}. */
    List<Session> newest(int limit);

    /** Sessions whose job is not finished (queued or running), oldest first. */
    List<Session> unfinished();

    /** Sessions in a final state whose last change is older than the cutoff. */
    List<Session> finishedBefore(java.time.Instant cutoff);

    /** The number of sessions in each state. */
    java.util.Map<SessionState, Long> countByState();

    /** Removes a session. */
    void delete(SessionId id);

    @Override
    void close();
}
