package org.sandgate.client;

import eu.emi.security.authn.x509.X509CertChainValidator;
import eu.emi.security.authn.x509.helpers.ssl.SSLTrustManager;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.X509TrustManager;
import javax.security.auth.x500.X500Principal;

/**
 * Checks the server's certificate with canl against the user's trust anchors, and remembers why it
 * refused one, naming the issuer the trust anchors lack (or hold with another key), for the message
 * the user sees.
 */
final class ServerTrust implements X509TrustManager {
    private static final String ANCHORS = "your trust anchors (--cacert, X509_CERT_DIR, ~/.globus/certificates or "
            + "/etc/grid-security/certificates)";

    private final X509CertChainValidator anchors;
    private final SSLTrustManager delegate;
    private final AtomicReference<String> lastRefusal = new AtomicReference<>();

    ServerTrust(X509CertChainValidator anchors) {
        this.anchors = anchors;
        this.delegate = new SSLTrustManager(anchors);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        try {
            delegate.checkServerTrusted(chain, authType);
        } catch (CertificateException e) {
            lastRefusal.set(why(chain, e));
            throw e;
        }
    }

    /**
     * Why {@code chain} was refused: its CA is missing from the anchors, or an anchor has the CA's name
     * but another key (a CA made again under the same name, or an impostor), or canl's own reason.
     */
    private String why(X509Certificate[] chain, CertificateException refusal) {
        X509Certificate top = chain[chain.length - 1];
        X500Principal issuer = top.getIssuerX500Principal();
        String server = "the server's certificate (" + chain[0].getSubjectX500Principal().getName() + ")";
        List<X509Certificate> sameName = Arrays.stream(anchors.getTrustedIssuers())
                .filter(ca -> ca.getSubjectX500Principal().equals(issuer)).toList();
        if (sameName.isEmpty()) {
            return server + " is issued by '" + issuer.getName() + "', which is not in " + ANCHORS;
        }
        if (sameName.stream().noneMatch(ca -> signs(ca, top))) {
            return server + " is issued by '" + issuer.getName() + "', and " + ANCHORS + " hold a CA of that name "
                    + "but with another key: the server's CA was made again under the same name, or it is not the CA "
                    + "you trust; get the server's current CA certificate from its administrator";
        }
        return server + ", issued by '" + issuer.getName() + "', was refused: " + refusal.getMessage();
    }

    private static boolean signs(X509Certificate ca, X509Certificate cert) {
        try {
            cert.verify(ca.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
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
