package org.sandgate.server.api;

import org.sandgate.server.identity.RequestCaller;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.nio.ByteBuffer;
import java.util.List;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.security.AuthenticationState;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.sandgate.server.errors.ErrorCode;
import org.sandgate.server.errors.Refusal;
import org.sandgate.server.identity.CertificateIdentity;
import org.sandgate.server.identity.ProxyKind;
import org.sandgate.server.policy.Policies;

/**
 * {@code GET /api/v1/whoami}: what the server makes of the caller's credential. Served by a Jetty
 * handler behind authentication rather than by JAX-RS: it is the hottest read-only call (portals ask
 * it on every page, monitoring on every probe) and it needs nothing of the request scope, which
 * costs more than the answer itself.
 */
public final class WhoamiHandler extends Handler.Wrapper {
    static final String PATH = "/" + ApiPaths.V1 + "/whoami";

    private final Policies policies;

    public WhoamiHandler(Policies policies, Handler next) {
        super(next);
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
     * @param proxyPolicy inherit_all, limited or independent, when a proxy was used
     * @param launchRefused true when the credential may only read (a limited proxy)
     * @param issuerChain the CAs of the validated path, from the end-entity's issuer up to the root
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Whoami(String dn, String dnRfc2253, String issuer, String tier, String account,
                         boolean proxy, String expires,
                         @JsonInclude(JsonInclude.Include.NON_NULL) String proxyType,
                         @JsonInclude(JsonInclude.Include.NON_NULL) Boolean proxyLimited,
                         List<String> accounts, long costLimit,
                         @JsonInclude(JsonInclude.Include.NON_NULL) Boolean token,
                         @JsonInclude(JsonInclude.Include.NON_NULL) String proxyPolicy,
                         @JsonInclude(JsonInclude.Include.NON_NULL) Boolean launchRefused,
                         @JsonInclude(JsonInclude.Include.NON_NULL) List<String> issuerChain) {
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (!PATH.equals(request.getHttpURI().getCanonicalPath())) {
            return super.handle(request, response, callback);
        }
        String method = request.getMethod();
        boolean head = HttpMethod.HEAD.is(method);
        if (!head && !HttpMethod.GET.is(method)) {
            response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
            ErrorMapper.write(response, callback, new Refusal(ErrorCode.METHOD_NOT_ALLOWED, ErrorMapper.messageOf(405)));
            return true;
        }
        RequestCaller caller = (RequestCaller) AuthenticationState.getUserPrincipal(request);
        byte[] body = JsonMapping.answer(of(caller, policies.current().config().tiers().limits().of(caller.identity().tier())));
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, head ? ByteBuffer.allocate(0) : ByteBuffer.wrap(body), callback);
        return true;
    }

    /**
     * What the server makes of a caller's credential.
     *
     * @param costLimit the ceiling of the caller's tier
     */
    public static Whoami of(RequestCaller caller, long costLimit) {
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
                costLimit,
                caller.identity().viaToken() ? Boolean.TRUE : null,
                proxy ? cert.proxyPolicy().wireName() : null,
                cert == null ? null : cert.launchRefused(),
                cert == null || caller.identity().viaToken() ? null : cert.issuerChain());
    }
}
