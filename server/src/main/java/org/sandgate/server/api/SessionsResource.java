package org.sandgate.server.api;

import org.sandgate.server.identity.RequestCaller;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.UriInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.sandgate.sandbox.Session;
import org.sandgate.server.admission.Admission;
import org.sandgate.server.sessions.SessionManager;

/**
 * {@code /api/v1/sessions}: a caller's sessions, one session's state and files, and removing one.
 * Who may read or remove a session is {@link SessionAccess}'s one rule; anyone else gets 404, the same
 * answer as for an id that does not exist. Sessions of anonymous callers are never listed; their id is
 * their capability.
 */
@Path(ApiPaths.V1 + "/sessions")
@Produces(MediaType.APPLICATION_JSON)
public final class SessionsResource {
    private final SessionManager sessions;
    private final SessionViews views;
    private final SessionAccess access;

    public SessionsResource(SessionManager sessions, SessionViews views, SessionAccess access) {
        this.sessions = sessions;
        this.views = views;
        this.access = access;
    }

    @GET
    public Map<String, Object> mine(@Context SecurityContext security, @Context UriInfo uri) {
        RequestCaller caller = Callers.of(security);
        List<Map<String, Object>> list = new ArrayList<>();
        if (caller.identity().dn().isPresent()) {
            Optional<String> oldForm = caller.identity().ambiguity().isEmpty() ? caller.identity().dn() : Optional.empty();
            for (Session s : sessions.ownedBy(Admission.ownerKeyOf(caller), oldForm)) {
                list.add(views.status(s, uri.getBaseUri(), false));
            }
        }
        return Map.of("sessions", list);
    }

    @GET
    @Path("{id}")
    public Map<String, Object> one(@PathParam("id") String id, @Context SecurityContext security,
                                   @Context UriInfo uri) {
        return views.status(access.require(Callers.of(security), id, SessionAccess.Action.STATUS), uri.getBaseUri(), true);
    }

    @DELETE
    @Path("{id}")
    public Response remove(@PathParam("id") String id, @Context SecurityContext security) {
        sessions.remove(access.require(Callers.of(security), id, SessionAccess.Action.REMOVE));
        return Response.noContent().build();
    }
}
