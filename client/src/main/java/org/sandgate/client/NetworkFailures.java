package org.sandgate.client;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.UnresolvedAddressException;

/**
 * Network failures in words. The JDK's clients report them as bare exception classes (the HTTP
 * client's refused connection is a {@code ConnectException} with no message, caused by a
 * {@code ClosedChannelException}); this says what happened and where.
 */
final class NetworkFailures {
    private NetworkFailures() {
    }

    /** What went wrong talking to {@code server}, as a user reads it. */
    static String describe(Throwable failure, URI server) {
        String where = server.getHost() + ":" + (server.getPort() > 0 ? server.getPort() : 443);
        if (find(failure, UnresolvedAddressException.class) != null || find(failure, UnknownHostException.class) != null) {
            return "unknown host '" + server.getHost() + "' (check the server URL)";
        }
        if (find(failure, HttpConnectTimeoutException.class) != null) {
            return "no connection to " + where + " within the connect timeout (a firewall, or the host is down?)";
        }
        if (find(failure, HttpTimeoutException.class) != null || find(failure, SocketTimeoutException.class) != null) {
            return where + " accepted the connection but did not answer in time";
        }
        if (find(failure, NoRouteToHostException.class) != null) {
            return "no route to host " + where;
        }
        ConnectException connect = find(failure, ConnectException.class);
        if (connect != null && (find(failure, ClosedChannelException.class) != null
                || String.valueOf(connect.getMessage()).contains("refused") || connect.getMessage() == null)) {
            return "connection refused by " + where + " (is the server running, and is this its HTTPS port?)";
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                String message = t.getMessage();
                if (message.contains("Connection reset")) {
                    return "the connection to " + where + " was reset";
                }
                if (message.contains("closed") || message.contains("EOF")) {
                    return where + " closed the connection";
                }
                return message;
            }
        }
        return failure instanceof IOException ? "input/output error" : failure.getClass().getSimpleName();
    }

    private static <T extends Throwable> T find(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
