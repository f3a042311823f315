package org.sandgate.client;

import eu.emi.security.authn.x509.X509CertChainValidator;
import eu.emi.security.authn.x509.helpers.ssl.SSLTrustManager;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.X509TrustManager;

/**
 * Checks the server's certificate with canl against the user's trust anchors, and remembers why it
 * refused one, naming the issuer the trust anchors lack, for the message the user sees.
 */
final class ServerTrust implements X509TrustManager {
    private final SSLTrustManager delegate;
    private final AtomicReference<String> lastRefusal = new AtomicReference<>();

    ServerTrust(X509CertChainValidator anchors) {
        this.delegate = new SSLTrustManager(anchors);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        try {
            delegate.checkServerTrusted(chain, authType);
        } catch (CertificateException e) {
            X509Certificate top = chain[chain.length - 1];
            lastRefusal.set("the server's certificate (" + chain[0].getSubjectX500Principal().getName()
                    + ") is issued by '" + top.getIssuerX500Principal().getName()
                    + "', which is not in your trust anchors (--cacert, X509_CERT_DIR, ~/.globus/certificates or "
                    + "/etc/grid-security/certificates)");
            throw e;
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        delegate.checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return delegate.getAcceptedIssuers();
    }

    /** Why the last server certificate was refused, if one was. */
    String lastRefusal() {
        return lastRefusal.get();
    }
}
