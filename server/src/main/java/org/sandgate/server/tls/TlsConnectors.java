package org.sandgate.server.tls;

import java.io.IOException;
import java.security.KeyStore;
import java.security.Provider;
import java.security.cert.CRL;
import java.util.Collection;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import jdk.net.ExtendedSocketOptions;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.io.ssl.SslHandshakeListener;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.sandgate.server.config.SandgateConfig.TlsProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTPS connector: TLS 1.2 and 1.3 with the host credential, asking for (wanting, not needing) a
 * client certificate from one of the trust anchors, with Conscrypt (BoringSSL) or the JDK's TLS.
 * Either way the client's chain is judged by Sandgate's own validation, never by the TLS library.
 */
public final class TlsConnectors {
    private static final Logger LOG = LoggerFactory.getLogger(TlsConnectors.class);

    private TlsConnectors() {
    }

    /**
     * An unstarted HTTPS connector.
     *
     * @throws TlsSetupException when {@code provider} is {@code conscrypt} and it cannot be loaded
     */
    public static ServerConnector https(Server server, HostCredential host, TrustAnchors anchors,
                                        HttpConfiguration config, TlsProvider provider) {
        char[] password = Long.toHexString(Double.doubleToLongBits(Math.random())).toCharArray();
        SslContextFactory.Server ssl = new SslContextFactory.Server() {
            @Override
            protected TrustManager[] getTrustManagers(KeyStore trustStore, Collection<? extends CRL> crls) {
                return new TrustManager[] {new HandshakeTrustManager(anchors)};
            }
        };
        Optional<Provider> conscrypt = provider == TlsProvider.JDK ? Optional.empty() : conscrypt(provider);
        conscrypt.ifPresent(p -> {
            // appended after the JDK's providers: used where named, never a default
            java.security.Security.addProvider(p);
            ssl.setProvider(p.getName());
        });
        ssl.setKeyStore(host.toKeyStore(password));
        ssl.setKeyStorePassword(new String(password));
        ssl.setCertAlias(HostCredential.ALIAS);
        ssl.setWantClientAuth(true);
        ssl.setNeedClientAuth(false);
        ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
        ssl.setSniRequired(false);
        LOG.info("TLS: {}", conscrypt.map(p -> "Conscrypt " + conscryptVersion() + " (BoringSSL)").orElse("the JDK's"));
        SslConnectionFactory tls = new WatchedHandshakes(ssl, conscrypt.isPresent());
        return new ServerConnector(server, tls, new HttpConnectionFactory(config));
    }

    private static String conscryptVersion() {
        org.conscrypt.Conscrypt.Version v = org.conscrypt.Conscrypt.version();
        return v == null ? "" : v.major() + "." + v.minor() + "." + v.patch();
    }

    private static Optional<Provider> conscrypt(TlsProvider wanted) {
        Throwable why;
        try {
            org.conscrypt.Conscrypt.checkAvailability();
            return Optional.of(org.conscrypt.Conscrypt.newProvider());
        } catch (LinkageError | RuntimeException e) {
            why = e;
        }
        if (wanted == TlsProvider.CONSCRYPT) {
            throw new TlsSetupException("tls.provider is conscrypt, but its native library cannot be loaded here ("
                    + why + "); use auto or jdk");
        }
        LOG.info("Conscrypt cannot be loaded here ({}); the JDK's TLS is used", String.valueOf(why));
        return Optional.empty();
    }

    /**
     * Logs failed handshakes (a refused client certificate never reaches the authenticator), and
     * with Conscrypt acknowledges the client's last handshake flight at once. BoringSSL holds a TLS
     * 1.3 server's session tickets back until its first write of data, so after the client's Finished
     * the server has nothing to send and the kernel delays its ACK; a client that writes its request
     * in a second small segment without {@code TCP_NODELAY} (ApacheBench, many C clients) then waits
     * 40 ms for that ACK before Nagle lets the request go. The JDK's TLS sends its tickets at once,
     * which carries the ACK.
     */
    private static final class WatchedHandshakes extends SslConnectionFactory {
        private final boolean ackAtOnce;

        WatchedHandshakes(SslContextFactory.Server ssl, boolean ackAtOnce) {
            super(ssl, "http/1.1");
            this.ackAtOnce = ackAtOnce;
        }

        @Override
        protected SslConnection newSslConnection(Connector connector, EndPoint endPoint, SSLEngine engine) {
            SslConnection connection = super.newSslConnection(connector, endPoint, engine);
            connection.addHandshakeListener(new SslHandshakeListener() {
                @Override
                public void handshakeSucceeded(Event event) {
                    if (ackAtOnce && endPoint instanceof SocketChannelEndPoint socket) {
                        try {
                            socket.getChannel().setOption(ExtendedSocketOptions.TCP_QUICKACK, true);
                        } catch (IOException | UnsupportedOperationException e) {
                            // not Linux, or the connection is gone: nothing to speed up
                        }
                    }
                }

                @Override
                public void handshakeFailed(Event event, Throwable failure) {
                    LOG.info("TLS handshake with {} failed: {}", endPoint.getRemoteSocketAddress(), failure.getMessage());
                }
            });
            return connection;
        }
    }
}
