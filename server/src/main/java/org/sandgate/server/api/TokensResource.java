package org.sandgate.server.api;

import org.sandgate.server.identity.RequestCaller;
import com.fasterxml.jackson.databind.JsonNode;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.sandgate.server.audit.AuditLog;
import org.sandgate.server.errors.ErrorCode;
import org.sandgate.server.errors.Refusal;
import org.sandgate.server.identity.CertificateIdentity;
import org.sandgate.server.tokens.TokenService;

/**
 * {@code POST /api/v1/tokens}: a certificate holder gets a signed bearer token for portals and
 * scripts that cannot carry a certificate. Not for token holders (a token never makes another).
 */
@Path(ApiPaths.V1 + "/tokens")
@Produces(MediaType.APPLICATION_JSON)
public final class TokensResource {
    private final TokenService tokens;
    private final AuditLog audit;

    public TokensResource(TokenService tokens, AuditLog audit) {
        this.tokens = tokens;
        this.audit = audit;
    }

    /** Issues a token; the body may ask for a shorter lifetime: {@code {"lifetime_seconds": N}}. */
    @POST
    @Consumes(MediaType.WILDCARD)
    public Map<String, Object> issue(String body, @Context SecurityContext context) {
        RequestCaller caller = Callers.of(context);
        if (caller.identity().viaToken() || caller.identity().certificate().isEmpty()) {
            audit.decision(caller.auditFields(), "tokens", null, "deny", "not_authorized: no certificate", null);
            throw new Refusal(ErrorCode.NOT_AUTHORIZED, "tokens are issued to certificate holders only");
        }
        try {
            caller.identity().requireLaunchRights("obtain a token");
        } catch (Refusal refused) {
            audit.decision(caller.auditFields(), "tokens", null, "deny", refused.code() + ": " + refused.getMessage(), null);
            throw refused;
        }
        String account = caller.requireAccount();
        Optional<Duration> lifetime = lifetime(body);
        CertificateIdentity holder = caller.identity().certificate().get();
        TokenService.Issued issued = tokens.issue(holder, caller.identity().tier(), account, lifetime);
        audit.decision(caller.auditFields(), "tokens", null, "allow", "token until " + issued.expires()
                + " worth tier " + issued.tier().wireName(), null);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("token", issued.token());
        answer.put("token_type", "Bearer");
        answer.put("expires", issued.expires().toString());
        answer.put("tier", issued.tier().wireName());
        answer.put("account", issued.account());
        return answer;
    }

    private static Optional<Duration> lifetime(String body) {
        JsonNode root = JsonMapping.body(body);
        JsonNode seconds = root == null ? null : root.get("lifetime_seconds");
        if (seconds == null) {
            return Optional.empty();
        }
        if (!seconds.canConvertToLong() || !seconds.isIntegralNumber() || seconds.asLong() < 60) {
            throw new Refusal(ErrorCode.INVALID_ARGUMENT, "lifetime_seconds must be a whole number of at least 60",
                    Map.of("argument", "lifetime_seconds"));
        }
        return Optional.of(Duration.ofSeconds(seconds.asLong()));
    }
}
