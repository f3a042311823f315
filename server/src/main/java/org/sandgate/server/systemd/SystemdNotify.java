package org.sandgate.server.systemd;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code sd_notify(3)}: tells the service manager the server's state (readiness, reloading) with one
 * datagram to the Unix socket that {@code NOTIFY_SOCKET} names, as a {@code Type=notify} unit expects.
 * Without {@code NOTIFY_SOCKET} (not started by systemd) nothing is sent.
 *
 * <p>{@code socket(2)} and {@code sendto(2)} through JNA, because Java 17 has no Unix-domain datagram
 * sockets; a name starting with {@code @} is in the abstract namespace, as systemd documents.
 */
public final class SystemdNotify {
    private static final Logger LOG = LoggerFactory.getLogger(SystemdNotify.class);
    private static final short AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 02000000;
    /** {@code sizeof(sockaddr_un.sun_path)} on Linux. */
    private static final int SUN_PATH = 108;

    private interface C extends Library {
        int socket(int domain, int type, int protocol) throws LastErrorException;

        NativeLong sendto(int fd, byte[] buf, NativeLong len, int flags, byte[] addr, int addrlen)
                throws LastErrorException;

        int close(int fd) throws LastErrorException;
    }

    private static final class Holder {
        static final C C = Native.load("c", C.class);
    }

    private final Optional<String> socket;

    /**
     * @param socket the notification socket's name ({@code NOTIFY_SOCKET}); empty: send nothing
     */
    public SystemdNotify(Optional<String> socket) {
        this.socket = socket.filter(s -> !s.isEmpty());
    }

    /** The notifier of this process: {@code NOTIFY_SOCKET} of its environment. */
    public static SystemdNotify fromEnvironment() {
        return new SystemdNotify(Optional.ofNullable(System.getenv("NOTIFY_SOCKET")));
    }

    /** {@code READY=1}: the connectors listen and every component has started. */
    public void ready(String status) {
        send("READY=1\nSTATUS=" + status);
    }

    /** {@code RELOADING=1}: a reload has begun; {@link #ready} says it has ended. */
    public void reloading() {
        send("RELOADING=1");
    }

    /** {@code STOPPING=1}: the server is stopping. */
    public void stopping() {
        send("STOPPING=1");
    }

    /**
     * Sends one notification ({@code KEY=VALUE} lines).
     *
     * @return whether it was sent: false without a socket, or when sending failed (logged; the
     *         server runs on, as with {@code sd_notify})
     */
    public boolean send(String state) {
        if (socket.isEmpty()) {
            return false;
        }
        byte[] name = socket.get().getBytes(StandardCharsets.UTF_8);
        boolean isAbstract = name[0] == '@';
        if (name[0] != '/' && !isAbstract || name.length >= SUN_PATH) {
            LOG.warn("NOTIFY_SOCKET={} is not a socket path or abstract name; systemd is not told: {}", socket.get(), state);
            return false;
        }
        ByteBuffer address = ByteBuffer.allocate(2 + SUN_PATH).order(ByteOrder.nativeOrder());
        address.putShort(AF_UNIX).put(name);
        if (isAbstract) {
            address.put(2, (byte) 0);
        }
        // an abstract name is exactly its bytes; a path ends with its NUL
        int length = 2 + name.length + (isAbstract ? 0 : 1);
        byte[] message = state.getBytes(StandardCharsets.UTF_8);
        int fd = -1;
        try {
            fd = Holder.C.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
            Holder.C.sendto(fd, message, new NativeLong(message.length), 0, address.array(), length);
            return true;
        } catch (LastErrorException e) {
            LOG.warn("systemd not told {} over {}: errno {}", state.lines().findFirst().orElse(""), socket.get(),
                    e.getErrorCode());
            return false;
        } finally {
            if (fd >= 0) {
                Holder.C.close(fd);
            }
        }
    }
}
