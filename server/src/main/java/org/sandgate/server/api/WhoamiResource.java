package org.sandgate.server.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import java.util.List;
import org.sandgate.server.policy.Policies;
import org.sandgate.server.identity.CertificateIdentity;
import org.sandgate.server.identity.ProxyKind;

/** {@code GET /api/v1/whoami}: what the server makes of the caller's credential. */
@Path(ApiPaths.V1 + "/whoami")
@Produces(MediaType.APPLICATION_JSON)
public final class WhoamiResource {
    private final Policies policies;

    public WhoamiResource(Policies policies) {
        this.policies = policies;
    }

    /**
     * The answer. The first seven fields are the contract; the rest are extensions.
     *
     * @param dn          end-entity subject, slash form (null when anonymous)
     * @param dnRfc2253   the same in RFC 2253 form
     * @param issuer      the end-entity issuer, slash form
     * @param tier        anonymous, weak or strong
     * @param account     the default local account, null when none is allowed
     * @param proxy       whether a proxy certificate was used
     * @param expires     end of validity of the credential (ISO 8601)
     * @param proxyType   rfc3820, draft, legacy or mixed, when a proxy was used
     * @param proxyLimited whether the proxy is a limited proxy
     * @param accounts    every account allowed, the default first
     * @param costLimit   the tier's ceiling on the cost of one call in CPU-seconds (-1: none)
     * @param token       true when the caller used a bearer token (then {@code issuer} is the token's)
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Whoami(String dn, String dnRfc2253, String issuer, String tier, String account,
                         boolean proxy, String expires,
                         @JsonInclude(JsonInclude.Include.NON_NULL) String proxyType,
                         @JsonInclude(JsonInclude.Include.NON_NULL) Boolean proxyLimited,
                         List<String> accounts, long costLimit,
                         @JsonInclude(JsonInclude.Include.NON_NULL) Boolean token) {
    }

    @GET
    public Whoami whoami(@Context SecurityContext security) {
        RequestCaller caller = RequestCaller.of(security);
        CertificateIdentity cert = caller.identity().certificate().orElse(null);
        boolean proxy = cert != null && cert.proxy() != ProxyKind.NONE;
        return new Whoami(
                cert == null ? null : cert.dn(),
                cert == null ? null : cert.dnRfc2253(),
                cert == null ? null : cert.issuer(),
                caller.identity().tier().wireName(),
                caller.account().orElse(null),
                proxy,
                cert == null ? null : cert.expires().toString(),
                proxy ? cert.proxy().wireName() : null,
                proxy ? cert.limited() : null,
                caller.accounts(),
                policies.current().config().tiers().limits().of(caller.identity().tier()),
                caller.identity().viaToken() ? Boolean.TRUE : null);
    }
}
