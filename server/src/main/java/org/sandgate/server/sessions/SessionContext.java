package org.sandgate.server.sessions;

import org.sandgate.server.identity.RequestCaller;
import java.nio.file.Path;
import java.util.Optional;
import org.sandgate.sandbox.SessionId;
import org.sandgate.sandbox.SessionStore;
import org.sandgate.service.Caller;
import org.sandgate.service.ServiceContext;
import org.sandgate.service.SessionStatus;

/**
 * What a service sees while it prepares a job: the caller, the new session and its sandbox, and the
 * status of the caller's own sessions (none for anonymous callers, whose sessions have no owner).
 */
record SessionContext(Caller caller, String ownerKey, SessionId id, Path sandbox, SessionStore store)
        implements ServiceContext {

    @Override
    public String sessionId() {
        return id.value();
    }

    @Override
    public Optional<SessionStatus> status(String sessionId) {
        if (ownerKey.equals(RequestCaller.ANONYMOUS)) {
            return Optional.empty();
        }
        return SessionId.parse(sessionId).flatMap(store::find).filter(s -> s.ownerKey().equals(ownerKey))
                .map(s -> new SessionStatus(s.id().value(), s.state().name(), s.exitCode()));
    }
}
