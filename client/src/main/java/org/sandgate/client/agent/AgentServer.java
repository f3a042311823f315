package org.sandgate.client.agent;

import com.sun.security.auth.module.UnixSystem;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * The user's agent: a JVM that stays up between commands, so that a command costs a request to a
 * warm process instead of a JVM start, a credential read and a TLS handshake. It listens on a Unix
 * socket in a directory only the user can enter, answers only peers of its own user id (checked with
 * {@code SO_PEERCRED}), keeps nothing a command could not read again from the user's files, and
 * exits after a time without commands or when its socket is removed.
 */
public final class AgentServer {
    private static final Set<String> VARIABLES_WITH_PATHS = Set.of("X509_USER_PROXY", "X509_USER_CERT", "X509_USER_KEY",
            "X509_CERT_DIR");

    private final Path socket;
    private final Duration idle;
    private final CommandRunner runner;
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicLong lastUse = new AtomicLong(System.nanoTime());
    private final String user = System.getProperty("user.name");
    private final long uid = new UnixSystem().getUid();
    private ServerSocketChannel server;

    /**
     * @param socket where to listen
     * @param idle   how long to wait for a command before it exits
     * @param runner runs the command lines it receives
     */
    public AgentServer(Path socket, Duration idle, CommandRunner runner) {
        this.socket = socket.toAbsolutePath();
        this.idle = idle;
        this.runner = runner;
    }

    /**
     * Serves until idle. Answers at once, doing nothing, when another agent already serves this
     * socket.
     *
     * @throws IOException when the socket's directory is unsafe or the socket cannot be bound
     */
    public void serve() throws IOException {
        Path dir = socket.getParent();
        privateDirectory(dir);
        try (FileChannel lockFile = FileChannel.open(dir.resolve(socket.getFileName() + ".lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = lockFile.tryLock()) {
            if (lock == null) {
                return;
            }
            Files.deleteIfExists(socket);
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket));
            ScheduledExecutorService watch = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "agent-idle"));
            watch.scheduleWithFixedDelay(this::closeWhenIdle, 1, 1, TimeUnit.SECONDS);
            try {
                while (server.isOpen()) {
                    SocketChannel peer;
                    try {
                        peer = server.accept();
                    } catch (IOException closed) {
                        break;
                    }
                    lastUse.set(System.nanoTime());
                    running.incrementAndGet();
                    daemon(() -> serve(peer), "agent-command").start();
                }
            } finally {
                watch.shutdownNow();
                Files.deleteIfExists(socket);
            }
        }
    }

    /** The socket's directory: made for the user alone, or refused when others may write into it. */
    static void privateDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(dir.getParent());
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // made by another agent starting at the same time; checked below like any other
            }
        }
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
        String owner = Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS).getName();
        if (!owner.equals(System.getProperty("user.name")) || perms.contains(PosixFilePermission.GROUP_WRITE)
                || perms.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new IOException(dir + " must belong to " + System.getProperty("user.name")
                    + " and be writable by nobody else (it is " + owner + "'s, "
                    + PosixFilePermissions.toString(perms) + ")");
        }
    }

    private void closeWhenIdle() {
        boolean idleTooLong = running.get() == 0 && System.nanoTime() - lastUse.get() > idle.toNanos();
        if (idleTooLong || !Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            try {
                server.close();
            } catch (IOException ignored) {
                // closing is all that is left to do
            }
        }
    }

    private void serve(SocketChannel peer) {
        try (peer) {
            UnixDomainPrincipal who = peer.getOption(ExtendedSocketOptions.SO_PEERCRED);
            Frames frames = new Frames(peer);
            if (!who.user().getName().equals(user)) {
                System.err.println("sandgate agent: refused a connection from " + who.user().getName());
                new PrintWriter(new OutputStreamWriter(frames.stream('e'), StandardCharsets.UTF_8), true)
                        .println("sandgate: this agent serves " + user + " only");
                frames.exit(2);
                return;
            }
            AgentRequest request;
            try {
                request = AgentRequest.read(peer);
            } catch (IOException bad) {
                System.err.println("sandgate agent: refused a request: " + bad.getMessage());
                return;
            }
            switch (request.verb()) {
                case "status" -> {
                    frames.stream('o').write(("agent of " + user + " on " + socket + ", pid " + ProcessHandle.current().pid()
                            + ", commands running: " + (running.get() - 1) + "\n").getBytes(StandardCharsets.UTF_8));
                    frames.exit(0);
                }
                case "stop" -> {
                    frames.exit(0);
                    server.close();
                }
                default -> run(request, peer, frames);
            }
        } catch (IOException gone) {
            // the caller left; its command was stopped
        } finally {
            lastUse.set(System.nanoTime());
            running.decrementAndGet();
        }
    }

    private void run(AgentRequest request, SocketChannel peer, Frames frames) throws IOException {
        Thread worker = Thread.currentThread();
        Thread hangUp = daemon(() -> {
            try {
                if (peer.read(java.nio.ByteBuffer.allocate(1)) < 0) {
                    worker.interrupt();
                }
            } catch (IOException closed) {
                // the command ended first
            }
        }, "agent-hangup");
        hangUp.start();
        PrintWriter out = new PrintWriter(new OutputStreamWriter(frames.stream('o'), StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(frames.stream('e'), StandardCharsets.UTF_8), true);
        int status;
        try {
            status = runner.run(call(request), out, err);
        } catch (RunItYourself needed) {
            if (!frames.wroteOutput()) {
                frames.fallBack();
                return;
            }
            err.println("sandgate: " + needed.getMessage() + "; run the command again with SANDGATE_AGENT=off");
            status = 2;
        }
        out.flush();
        err.flush();
        frames.exit(status);
        Thread.interrupted();
    }

    private AgentCall call(AgentRequest request) {
        Map<String, String> env = new HashMap<>(request.env());
        for (String name : VARIABLES_WITH_PATHS) {
            String value = env.get(name);
            if (value != null && !value.isBlank()) {
                env.put(name, request.workDir().resolve(value).toString());
            }
        }
        Path home = Path.of(env.getOrDefault("HOME", System.getProperty("user.home")));
        return new AgentCall(Map.copyOf(env), home, request.workDir(), uid, request.terminal(), request.args());
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
