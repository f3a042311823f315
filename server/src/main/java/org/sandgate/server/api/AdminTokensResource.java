package org.sandgate.server.api;

import org.sandgate.server.identity.RequestCaller;
import com.fasterxml.jackson.databind.JsonNode;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.sandgate.server.audit.AuditLog;
import org.sandgate.server.errors.ErrorCode;
import org.sandgate.server.errors.Refusal;
import org.sandgate.server.identity.DistinguishedNames;
import org.sandgate.server.policy.Policies;
import org.sandgate.server.tokens.TokenRevocations;
import org.sandgate.server.tokens.TokenService;

/**
 * {@code /api/v1/admin/tokens/revocations}: administrators revoke one bearer token by its
 * {@code jti}, or every token of a subject issued so far; the revocations are kept across restarts.
 */
@Path(ApiPaths.V1 + "/admin/tokens/revocations")
@Produces(MediaType.APPLICATION_JSON)
public final class AdminTokensResource {
    private final TokenService tokens;
    private final Policies policies;
    private final AuditLog audit;

    public AdminTokensResource(TokenService tokens, Policies policies, AuditLog audit) {
        this.tokens = tokens;
        this.policies = policies;
        this.audit = audit;
    }

    private RequestCaller admin(SecurityContext context, String action) {
        RequestCaller caller = Callers.of(context);
        caller.identity().requireLaunchRights("administer the server");
        if (!policies.current().roles().isAdmin(caller.identity())) {
            audit.decision(caller.auditFields(), "admin." + action, null, "deny", "not_authorized: not an admin", null);
            throw new Refusal(ErrorCode.NOT_AUTHORIZED, "only administrators (key 'admins', strong certificates) may do this");
        }
        return caller;
    }

    /** The revocations in force. */
    @GET
    public Map<String, Object> list(@Context SecurityContext context) {
        admin(context, "token_revocations");
        return Map.of("revocations", tokens.revocations().all());
    }

    /**
     * Revokes: {@code {"jti": "..."}} one token, or {@code {"dn": "..."}} (slash or RFC 2253 form) every
     * token of that subject issued until now.
     */
    @POST
    @Consumes(MediaType.WILDCARD)
    public Map<String, Object> revoke(String body, @Context SecurityContext context) throws IOException {
        RequestCaller caller = admin(context, "revoke_tokens");
        JsonNode request;
        try {
            request = body == null || body.isBlank() ? null : JsonMapping.mapper().readTree(body);
        } catch (IOException e) {
            throw new Refusal(ErrorCode.INVALID_JSON, "the request body is not valid JSON");
        }
        for (String name : new String[] {"jti", "dn"}) {
            JsonNode value = request == null ? null : request.get(name);
            if (value != null && !value.isNull() && (!value.isTextual() || value.asText().length() > 1024)) {
                throw new Refusal(ErrorCode.INVALID_ARGUMENT, "'" + name + "' must be a string of at most 1024 characters",
                        Map.of("argument", name));
            }
        }
        String jti = request == null ? "" : request.path("jti").asText("");
        String dn = request == null ? "" : request.path("dn").asText("");
        if (jti.isBlank() == dn.isBlank()) {
            throw new Refusal(ErrorCode.INVALID_ARGUMENT, "give either 'jti' (one token) or 'dn' (every token of a "
                    + "subject)", Map.of("argument", "jti"));
        }
        TokenRevocations.Revocation r;
        if (!jti.isBlank()) {
            r = tokens.revocations().revokeToken(jti, Instant.now().plus(tokens.longestLifetime()), caller.getName());
        } else {
            String canonical;
            try {
                canonical = DistinguishedNames.canonicalOfAnyForm(dn);
            } catch (IllegalArgumentException e) {
                throw new Refusal(ErrorCode.INVALID_ARGUMENT, "'dn' must be a DN in slash or RFC 2253 form",
                        Map.of("argument", "dn"));
            }
            r = tokens.revocations().revokeSubject(canonical, tokens.longestLifetime(), caller.getName());
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put(r.jti() != null ? "jti" : "subject", r.jti() != null ? r.jti() : r.subject());
        audit.admin(caller.getName(), "revoke_tokens", details);
        return Map.of("revoked", r);
    }
}
