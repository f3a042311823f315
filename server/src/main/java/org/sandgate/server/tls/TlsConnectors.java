package org.sandgate.server.tls;

import java.security.KeyStore;
import java.security.cert.CRL;
import java.util.Collection;
import javax.net.ssl.TrustManager;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The HTTPS connector: TLS 1.2 and 1.3 with the host credential, asking for (wanting, not needing) a
 * client certificate from one of the trust anchors.
 */
public final class TlsConnectors {
    private TlsConnectors() {
    }

    /** An unstarted HTTPS connector. */
    public static ServerConnector https(Server server, HostCredential host, TrustAnchors anchors,
                                        HttpConfiguration config) {
        char[] password = Long.toHexString(Double.doubleToLongBits(Math.random())).toCharArray();
        SslContextFactory.Server ssl = new SslContextFactory.Server() {
            @Override
            protected TrustManager[] getTrustManagers(KeyStore trustStore, Collection<? extends CRL> crls) {
                return new TrustManager[] {new HandshakeTrustManager(anchors)};
            }
        };
        ssl.setKeyStore(host.toKeyStore(password));
        ssl.setKeyStorePassword(new String(password));
        ssl.setCertAlias(HostCredential.ALIAS);
        ssl.setWantClientAuth(true);
        ssl.setNeedClientAuth(false);
        ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
        ssl.setSniRequired(false);
        return new ServerConnector(server, ssl, new HttpConnectionFactory(config));
    }
}
