package org.sandgate.batch.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.sandgate.batch.JobFiles;

/**
 * How a local job (and an immediate command) is contained: with bubblewrap ({@code bwrap}), each
 * in its own user, PID, IPC and UTS namespace and its own mount namespace, which shows the system
 * directories read-only, a fresh {@code /proc}, {@code /dev} and {@code /tmp}, and the job's own
 * directory read-write, and nothing else: not the server's data or configuration directory, not
 * another sandbox, not {@code /home}. When the job's first process ends, or bubblewrap is killed
 * (cancel, the wall-clock limit), the kernel ends every process of the namespace, double-forked and
 * {@code setsid} ones included.
 *
 * @param mode     bubblewrap or nothing
 * @param hidden   directories never shown to a job even where they lie below a system directory
 *                 (the server's data and configuration directories)
 * @param readOnly directories shown read-only besides the system ones (a site's software)
 */
public record Containment(Mode mode, List<Path> hidden, List<Path> readOnly) {
    /** The system directories a job sees, read-only, where they exist. */
    static final List<String> SYSTEM = List.of("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc");

    /** How jobs are contained. */
    public enum Mode {
        /** In namespaces of their own, with bubblewrap. */
        BWRAP,
        /** Not at all: a job is its account (personal mode: the server's). */
        NONE
    }

    /** No containment. */
    public static final Containment NONE = new Containment(Mode.NONE, List.of(), List.of());

    public Containment {
        Objects.requireNonNull(mode, "mode");
        hidden = hidden.stream().map(p -> p.toAbsolutePath().normalize()).toList();
        readOnly = readOnly.stream().map(p -> p.toAbsolutePath().normalize()).toList();
    }

    /** The bubblewrap program: the first of the standard places that has it. */
    public static String program() {
        for (String dir : List.of("/usr/local/bin", "/usr/bin", "/bin")) {
            Path p = Path.of(dir, "bwrap");
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return "bwrap";
    }

    /** Whether jobs run under bubblewrap. */
    public boolean contained() {
        return mode == Mode.BWRAP;
    }

    /**
     * The bubblewrap options for a job in its sandbox: the sandbox read-write, its {@code .sandgate}
     * folder read-only (the job cannot forge its process id or replace its files). Empty without
     * containment.
     */
    public List<String> forJob(Path sandbox) {
        if (!contained()) {
            return List.of();
        }
        List<String> o = system();
        String sb = sandbox.toString();
        String control = sandbox.resolve(JobFiles.DIR).toString();
        o.addAll(List.of("--bind", sb, sb, "--ro-bind", control, control, "--chdir", sb));
        return o;
    }

    /** The bubblewrap options for a command that works in {@code dir}. Empty without containment. */
    public List<String> forCommand(Path dir) {
        if (!contained()) {
            return List.of();
        }
        List<String> o = system();
        String d = dir.toString();
        o.addAll(List.of("--bind", d, d, "--chdir", d));
        return o;
    }

    /** The options of a trivial contained command that tells whether bubblewrap works here. */
    public List<String> forCheck() {
        List<String> o = system();
        o.addAll(List.of("--chdir", "/"));
        return o;
    }

    private List<String> system() {
        List<String> o = new ArrayList<>(List.of("--unshare-user", "--disable-userns", "--unshare-pid",
                "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try", "--die-with-parent", "--new-session"));
        Set<String> shown = new LinkedHashSet<>(SYSTEM);
        readOnly.forEach(p -> shown.add(p.toString()));
        List<Path> mounted = new ArrayList<>();
        for (String dir : shown) {
            Path p = Path.of(dir);
            if (Files.isSymbolicLink(p)) {
                try {
                    o.addAll(List.of("--symlink", Files.readSymbolicLink(p).toString(), dir));
                } catch (IOException e) {
                    // a link that cannot be read is left out
                }
            } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                o.addAll(List.of("--ro-bind", dir, dir));
                mounted.add(p);
            }
        }
        o.addAll(List.of("--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"));
        for (Path h : hidden) {
            Path real;
            try {
                real = h.toRealPath();
            } catch (IOException e) {
                continue;
            }
            if (mounted.stream().anyMatch(real::startsWith) && Files.isDirectory(real)) {
                o.addAll(List.of("--tmpfs", real.toString()));
            }
        }
        return o;
    }
}
