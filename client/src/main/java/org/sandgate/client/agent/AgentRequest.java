package org.sandgate.client.agent;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One request to the agent, as the launcher's client sends it: a 4-byte big-endian length, then
 * NUL-separated fields: {@code sandgate-agent/1}, the verb ({@code run}, {@code status} or
 * {@code stop}), the working directory, {@code 1} when standard error is a terminal, the number of
 * environment entries, the entries ({@code NAME=VALUE}), and the command's arguments.
 *
 * @param verb     what to do
 * @param workDir  the caller's working directory (absolute)
 * @param terminal whether the caller's standard error is a terminal
 * @param env      the caller's environment
 * @param args     the command line after {@code sandgate}
 */
record AgentRequest(String verb, Path workDir, boolean terminal, Map<String, String> env, List<String> args) {
    static final String MAGIC = "sandgate-agent/1";
    private static final int MAX_BYTES = 4 << 20;

    /** Reads and checks one request; anything malformed is an {@link IOException} that names the problem. */
    static AgentRequest read(SocketChannel channel) throws IOException {
        ByteBuffer length = readFully(channel, 4);
        int n = length.getInt();
        if (n < 0 || n > MAX_BYTES) {
            throw new IOException("request of " + n + " bytes refused (at most " + MAX_BYTES + ")");
        }
        String[] f = new String(readFully(channel, n).array(), StandardCharsets.UTF_8).split("\0", -1);
        if (f.length < 5 || !MAGIC.equals(f[0])) {
            throw new IOException("not a request of this agent's protocol");
        }
        if (!List.of("run", "status", "stop").contains(f[1])) {
            throw new IOException("unknown verb " + f[1]);
        }
        Path workDir = Path.of(f[2]);
        if (!workDir.isAbsolute()) {
            throw new IOException("the working directory must be absolute");
        }
        int entries;
        try {
            entries = Integer.parseInt(f[4]);
        } catch (NumberFormatException e) {
            throw new IOException("bad environment count");
        }
        if (entries < 0 || 5 + entries > f.length) {
            throw new IOException("bad environment count");
        }
        Map<String, String> env = new HashMap<>();
        for (int i = 5; i < 5 + entries; i++) {
            int eq = f[i].indexOf('=');
            if (eq > 0) {
                env.put(f[i].substring(0, eq), f[i].substring(eq + 1));
            }
        }
        List<String> args = List.copyOf(Arrays.asList(f).subList(5 + entries, f.length));
        return new AgentRequest(f[1], workDir, "1".equals(f[3]), Map.copyOf(env), args);
    }

    private static ByteBuffer readFully(SocketChannel channel, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            if (channel.read(b) < 0) {
                throw new EOFException("the request ended early");
            }
        }
        return b.flip();
    }
}
