package org.sandgate.server.api;

import jakarta.annotation.Priority;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.SecurityContext;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.Principal;
import java.security.cert.X509Certificate;
import org.sandgate.server.identity.CertificateAuthenticator;
import org.sandgate.server.identity.Identity;
import org.sandgate.server.policy.AccountPolicy;

/**
 * Authenticates every API request from its TLS client certificate and maps it to its accounts;
 * resources read the result as the {@link RequestCaller} principal of the security context.
 */
@Priority(Priorities.AUTHENTICATION)
public final class AuthenticationFilter implements ContainerRequestFilter {
    private static final String CERTIFICATES = "jakarta.servlet.request.X509Certificate";
    private static final X509Certificate[] NONE = new X509Certificate[0];

    private final CertificateAuthenticator authenticator;
    private final AccountPolicy accounts;

    @Context
    private HttpServletRequest servletRequest;

    public AuthenticationFilter(CertificateAuthenticator authenticator, AccountPolicy accounts) {
        this.authenticator = authenticator;
        this.accounts = accounts;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        X509Certificate[] chain = servletRequest.getAttribute(CERTIFICATES) instanceof X509Certificate[] c ? c : NONE;
        Identity identity = authenticator.authenticate(chain, clientAddress());
        RequestCaller caller = new RequestCaller(identity, accounts.accountsFor(identity));
        boolean secure = request.getSecurityContext().isSecure();
        request.setSecurityContext(new SecurityContext() {
            @Override
            public Principal getUserPrincipal() {
                return caller;
            }

            @Override
            public boolean isUserInRole(String role) {
                return false;
            }

            @Override
            public boolean isSecure() {
                return secure;
            }

            @Override
            public String getAuthenticationScheme() {
                return identity.certificate().isPresent() ? CLIENT_CERT_AUTH : null;
            }
        });
    }

    private InetAddress clientAddress() {
        try {
            return InetAddress.getByName(servletRequest.getRemoteAddr());
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** The caller of a request that passed this filter. */
    public static RequestCaller callerOf(SecurityContext context) {
        return (RequestCaller) context.getUserPrincipal();
    }
}
