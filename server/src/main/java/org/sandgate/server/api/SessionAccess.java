package org.sandgate.server.api;

import org.sandgate.server.identity.RequestCaller;
import java.util.Optional;
import org.sandgate.sandbox.Session;
import org.sandgate.sandbox.SessionId;
import org.sandgate.server.errors.ErrorCode;
import org.sandgate.server.errors.Refusal;
import org.sandgate.server.identity.DistinguishedNames;
import org.sandgate.server.policy.Policies;
import org.sandgate.server.sessions.SessionManager;

/**
 * The one rule for "may this caller do this to this session", used by the API, the event stream and
 * {@code /sandbox} alike:
 * <ul>
 *   <li>the owner (the subject that made it, compared in canonical RFC 2253 form) may do everything;</li>
 *   <li>administrators may do everything to every session;</li>
 *   <li>a session made anonymously has no owner to check: its id is its capability, and whoever
 *       holds it may do everything;</li>
 *   <li>with {@code sandbox.public: true} a sandbox URL is a capability too: anyone holding it may
 *       read the files (but not the session's status, events, or remove it);</li>
 *   <li>everyone else is told the session does not exist ({@code 404}, as for an unknown id).</li>
 * </ul>
 */
public final class SessionAccess {
    /** What a caller wants to do to a session. */
    public enum Action {
        /** read its state and file list */
        STATUS,
        /** follow its state changes */
        EVENTS,
        /** read its sandbox's files */
        FILES,
        /** cancel its job and remove it */
        REMOVE
    }

    private final SessionManager sessions;
    private final Policies policies;
    private final boolean publicSandboxes;

    /**
     * @param publicSandboxes {@code sandbox.public}: whether sandbox URLs are capabilities
     */
    public SessionAccess(SessionManager sessions, Policies policies, boolean publicSandboxes) {
        this.sessions = sessions;
        this.policies = policies;
        this.publicSandboxes = publicSandboxes;
    }

    /**
     * The decision itself, from what it rests on.
     *
     * @param owns            whether the caller owns the session (see {@link #owns})
     * @param admin           whether the caller is an administrator
     * @param owner           the session's owner ({@link SessionManager#ANONYMOUS} for anonymous sessions)
     * @param action          what the caller wants
     * @param publicSandboxes {@code sandbox.public}
     */
    public static boolean allows(boolean owns, boolean admin, String owner, Action action,
                                 boolean publicSandboxes) {
        if (owner.equals(RequestCaller.ANONYMOUS) || admin) {
            return true;
        }
        if (owns) {
            return true;
        }
        return action == Action.FILES && publicSandboxes;
    }

    /** Whether this caller may do this to this session. */
    public boolean allows(RequestCaller caller, Session session, Action action) {
        return allows(owns(caller.identity(), session), policies.current().roles().isAdmin(caller.identity()),
                session.owner(), action, publicSandboxes);
    }

    /**
     * Whether this identity owns the session: its canonical subject is the session's owner key. A
     * session stored by an earlier version whose owner could not be given a key belongs to a caller
     * whose slash form is unambiguous and the same.
     */
    public static boolean owns(org.sandgate.server.identity.Identity identity, Session session) {
        if (identity.canonical().isEmpty()) {
            return false;
        }
        if (!session.ownerKey().isEmpty()) {
            return session.ownerKey().equals(identity.canonical().get());
        }
        return identity.ambiguity().isEmpty() && !session.owner().equals(RequestCaller.ANONYMOUS)
                && sameDn(identity.dn().orElseThrow(), session.owner());
    }

    /** The session if it exists and this caller may do this to it. */
    public Optional<Session> find(RequestCaller caller, String id, Action action) {
        return SessionId.parse(id).flatMap(sessions::find).filter(s -> allows(caller, s, action));
    }

    /**
     * The session if it exists and this caller may do this to it.
     *
     * @throws Refusal {@code 404 not_found} otherwise, the same answer whether the session does
     *                      not exist or belongs to someone else
     */
    public Session require(RequestCaller caller, String id, Action action) {
        return find(caller, id, action).orElseThrow(() -> new Refusal(ErrorCode.NOT_FOUND, "no such session"));
    }

    private static boolean sameDn(String a, String b) {
        try {
            return DistinguishedNames.comparisonKey(a).equals(DistinguishedNames.comparisonKey(b));
        } catch (IllegalArgumentException e) {
            return a.equals(b);
        }
    }
}
