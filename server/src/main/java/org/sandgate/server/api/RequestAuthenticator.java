package org.sandgate.server.api;

import org.sandgate.server.identity.RequestCaller;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.sandgate.server.admin.Bans;
import org.sandgate.server.audit.AuditLog;
import org.sandgate.server.errors.ErrorCode;
import org.sandgate.server.errors.Refusal;
import org.sandgate.server.identity.CertificateAuthenticator;
import org.sandgate.server.identity.Identity;
import org.sandgate.server.policy.Policies;
import org.sandgate.server.tokens.TokenException;
import org.sandgate.server.tokens.TokenService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where a request becomes a caller, for every route (the API, the event stream,
 * {@code /sandbox}): from an {@code Authorization: Bearer} token when there is one, else from the TLS
 * client certificate of its connection; banned DNs are refused; every refusal is logged and audited.
 * What a credential is worth (validation, tier, proxy rules) is the {@link CertificateAuthenticator}'s
 * and the {@link TokenService}'s; the accounts are the policy's.
 */
public final class RequestAuthenticator {
    private static final Logger LOG = LoggerFactory.getLogger(RequestAuthenticator.class);
    private static final X509Certificate[] NONE = new X509Certificate[0];

    private final CertificateAuthenticator certificates;
    private final TokenService tokens;
    private final Policies policies;
    private final Bans bans;
    private final AuditLog audit;

    public RequestAuthenticator(CertificateAuthenticator certificates, TokenService tokens, Policies policies, Bans bans,
                                AuditLog audit) {
        this.certificates = certificates;
        this.tokens = tokens;
        this.policies = policies;
        this.bans = bans;
        this.audit = audit;
    }

    /** A request whose credential was refused: the error to answer, already logged and audited. */
    public static final class Refused extends Refusal {
        private final Optional<String> challenge;

        Refused(Refusal error, Optional<String> challenge) {
            super(error.errorCode(), error.getMessage(), error.details());
            this.challenge = challenge;
        }

        /** Answers the refusal in the API's JSON shape (a refused token with {@code WWW-Authenticate}). */
        public void write(Response response, Callback callback) {
            challenge.ifPresent(c -> response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, c));
            ErrorMapper.write(response, callback, this);
        }
    }

    /**
     * The caller of a request.
     *
     * @throws Refused for a token or certificate that is not valid, a banned DN, or no credential
     *                 where anonymous callers are not accepted
     */
    public RequestCaller authenticate(Request request) throws Refused {
        return authenticate(request, false);
    }

    /**
     * The caller of a request that may come without any credential (a capability URL opened by a
     * browser): then an anonymous caller even where anonymous API calls are off. A credential that
     * is presented is judged as for {@link #authenticate}.
     */
    public RequestCaller authenticateIfPresented(Request request) throws Refused {
        return authenticate(request, true);
    }

    private RequestCaller authenticate(Request request, boolean credentialOptional) throws Refused {
        InetAddress client = clientAddress(request);
        String address = client == null ? null : client.getHostAddress();
        String what = request.getMethod() + " " + request.getHttpURI().getPath();
        Identity identity;
        String authorization = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            try {
                identity = tokens.verify(authorization.substring(7).strip());
            } catch (TokenException e) {
                LOG.info("refused a bearer token from {}: {}", address, e.getMessage());
                audit.decision(anonymousAt(address, "token"), what, null, "deny", "invalid_token: " + e.getMessage(), null);
                throw new Refused(new Refusal(ErrorCode.INVALID_TOKEN, e.getMessage()),
                        Optional.of("Bearer error=\"invalid_token\", error_description=\""
                                + e.getMessage().replaceAll("[\"\\\\\\p{Cntrl}]", "'") + "\""));
            }
        } else {
            X509Certificate[] chain = peerCertificates(request);
            if (chain.length == 0 && credentialOptional) {
                identity = Identity.anonymous();
            } else {
                try {
                    identity = certificates.authenticate(chain, client);
                } catch (Refusal refused) {
                    Map<String, Object> who = anonymousAt(address, "certificate");
                    if (chain.length > 0) {
                        who.put("claimed_dn", org.sandgate.server.identity.Untrusted.subject(chain[0]));
                    }
                    audit.decision(who, what, null, "deny", refused.code() + ": " + refused.getMessage(), null);
                    throw new Refused(refused, Optional.empty());
                }
            }
        }
        RequestCaller caller = new RequestCaller(identity, policies.current().accounts().accountsFor(identity), address);
        if (identity.canonical().isPresent() && bans.isBanned(identity.canonical().get())) {
            LOG.warn("refused {} from {}: the DN is banned", identity.dn().get(), address);
            audit.decision(caller.auditFields(), what, null, "deny", "banned", null);
            throw new Refused(new Refusal(ErrorCode.NOT_AUTHORIZED, "this DN is banned on this server"), Optional.empty());
        }
        return caller;
    }

    private static Map<String, Object> anonymousAt(String address, String credential) {
        Map<String, Object> who = new LinkedHashMap<>();
        who.put("dn", null);
        who.put("tier", null);
        who.put("account", null);
        who.put("addr", address);
        who.put("credential", credential);
        return who;
    }

    private static X509Certificate[] peerCertificates(Request request) {
        if (request.getAttribute(EndPoint.SslSessionData.ATTRIBUTE) instanceof EndPoint.SslSessionData ssl
                && ssl.peerCertificates() != null) {
            return ssl.peerCertificates();
        }
        return NONE;
    }

    private static InetAddress clientAddress(Request request) {
        SocketAddress remote = request.getConnectionMetaData().getRemoteSocketAddress();
        return remote instanceof InetSocketAddress inet ? inet.getAddress() : null;
    }
}
