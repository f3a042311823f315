package org.sandgate.process;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The fixed environments of the programs Sandgate runs: small, the same on every host, and never
 * the server's own (which may hold secrets or a {@code PATH} a job could write to).
 */
public final class ProgramEnvironment {
    /** The search path of every program: the batch tools, the job wrapper, jobs, the callout. */
    public static final String PATH = "/usr/local/bin:/usr/bin:/bin";
    /** The search path of the system tools shared mode runs to check accounts (no {@code /usr/local}). */
    public static final String SYSTEM_PATH = "/usr/bin:/bin";

    private ProgramEnvironment() {
    }

    /** {@code PATH} and {@code LANG=C.UTF-8}; a new map the caller may add to. */
    public static Map<String, String> fixed() {
        return withPath(PATH);
    }

    /** {@code PATH} as given and {@code LANG=C.UTF-8}; a new map the caller may add to. */
    public static Map<String, String> withPath(String path) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", path);
        env.put("LANG", "C.UTF-8");
        return env;
    }

    /**
     * The fixed environment of a program that works in {@code dir} (a job in its sandbox, an immediate
     * command in its temporary directory): {@code HOME} and {@code TMPDIR} are that directory.
     */
    public static Map<String, String> in(Path dir) {
        Map<String, String> env = fixed();
        env.put("HOME", dir.toString());
        env.put("TMPDIR", dir.toString());
        return env;
    }
}
