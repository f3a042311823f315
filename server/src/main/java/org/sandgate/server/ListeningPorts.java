package org.sandgate.server;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import org.sandgate.server.config.SandgateConfig;

/**
 * The server's listening sockets, bound before anything else: a server that cannot have its ports
 * has touched nothing (not the deploy directory, data directory or log of a server already running
 * on the same site).
 */
public final class ListeningPorts implements AutoCloseable {
    private final ServerSocketChannel https;
    private final ServerSocketChannel plain;

    private ListeningPorts(ServerSocketChannel https, ServerSocketChannel plain) {
        this.https = https;
        this.plain = plain;
    }

    /**
     * Binds the HTTPS port and, unless it is disabled, the plain-HTTP port.
     *
     * @throws PortUnavailableException saying which port and what to do
     */
    public static ListeningPorts bind(SandgateConfig.Server server) {
        ServerSocketChannel https = open(server.bind(), server.httpsPort(), "HTTPS", "--https-port");
        if (server.httpPort() == 0) {
            return new ListeningPorts(https, null);
        }
        try {
            int port = server.httpPort() == SandgateConfig.Server.ANY_FREE_PORT ? 0 : server.httpPort();
            return new ListeningPorts(https, open(server.bind(), port, "plain-HTTP", "--http-port (0 disables it)"));
        } catch (PortUnavailableException e) {
            close(https);
            throw e;
        }
    }

    private static ServerSocketChannel open(String host, int port, String what, String option) {
        ServerSocketChannel channel = null;
        try {
            channel = ServerSocketChannel.open();
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);     // as Jetty binds its own
            channel.bind(new InetSocketAddress(host, port));
            return channel;
        } catch (IOException | RuntimeException e) {
            close(channel);
            String where = host + ":" + port + " (" + what + ")";
            if (e instanceof BindException && String.valueOf(e.getMessage()).contains("in use")) {
                throw new PortUnavailableException("port " + where + " is in use: is another Sandgate running? use "
                        + option);
            }
            throw new PortUnavailableException("cannot listen on " + where + ": " + e.getMessage());
        }
    }

    private static void close(ServerSocketChannel channel) {
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException ignored) {
            // it was never used
        }
    }

    /** The bound HTTPS socket. */
    ServerSocketChannel https() {
        return https;
    }

    /** The bound plain-HTTP socket, or null when that port is disabled. */
    ServerSocketChannel plain() {
        return plain;
    }

    /** Closes both sockets (the server closes them itself when it stops). */
    @Override
    public void close() {
        close(https);
        close(plain);
    }

    /** A port cannot be listened on; the message is one line that says what to do. */
    public static final class PortUnavailableException extends RuntimeException {
        PortUnavailableException(String message) {
            super(message);
        }
    }
}
