package org.sandgate.server.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The trust manager of the HTTPS connector. It asks clients for a certificate issued by one of the
 * trust anchors and lets the handshake complete with any chain whose key the client proved it holds;
 * the chain itself is validated for every request by the authenticator, which can then answer with
 * a JSON error that says what is wrong (expired, revoked, untrusted) instead of a bare TLS alert.
 * Nothing reaches a service as a DN until that validation has passed.
 */
final class HandshakeTrustManager extends X509ExtendedTrustManager {
    private final TrustAnchors anchors;

    HandshakeTrustManager(TrustAnchors anchors) {
        this.anchors = anchors;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("empty client certificate chain");
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        checkClientTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("this trust manager only checks clients");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return anchors.trustedIssuers();
    }
}
