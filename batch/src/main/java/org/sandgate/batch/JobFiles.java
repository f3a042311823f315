package org.sandgate.batch;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.DirectoryStream;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.sandgate.process.ProgramEnvironment;

/**
 * The files a batch job is made of, in the {@value #DIR} folder of its sandbox: the fixed job
 * script, the job's argv and environment as NUL-separated data, and the exit code the script leaves
 * when the program ends. Nothing a user sends is ever part of a shell script: the script reads the
 * argv and environment as data and passes each argv element as one argument. The exit code is how
 * the server learns a job's end even when the batch system has forgotten the job (Slurm keeps
 * finished jobs only {@code MinJobAge} seconds) or the server was down when it ended. It is the
 * name of an empty file, {@code exit-CODE}, so that the server only ever lists that folder: in shared
 * mode it belongs to the job's account, and a file there could be a link or a FIFO. The local back
 * end's runner leaves the job's process id the same way, {@code pid-PID}. In shared mode the job
 * wrapper, as the account, writes these files from what the server hands it (see
 * {@link #wrapperFields}); the server writes them itself only into sandboxes it owns, and then
 * through a fresh file renamed over whatever is there, never through a link or into a FIFO.
 */
public final class JobFiles {
    /** The folder in a sandbox that holds a job's files. */
    public static final String DIR = ".sandgate";
    /** The job script's name in {@link #DIR}, for back ends that submit a file. */
    public static final String SCRIPT_FILE = "job.sh";

    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /**
     * The job script; the same text for every job. It starts in the sandbox (the batch system's
     * working directory, or {@code PBS_O_WORKDIR} under Torque and PBS Pro).
     */
    public static final String SCRIPT = """
            #!/bin/bash
            # Sandgate batch job. This text is fixed: the job's environment and argv are read as
            # NUL-separated data from .sandgate/env and .sandgate/argv and never parsed as shell code.
            if [ -n "${PBS_O_WORKDIR:-}" ]; then cd "$PBS_O_WORKDIR" || exit 126; fi
            [ -f .sandgate/argv ] || { echo "sandgate: not started in its sandbox ($PWD)" >&2; exit 126; }
            while IFS= read -r -d '' pair; do export "$pair"; done < .sandgate/env
            mapfile -d '' -t argv < .sandgate/argv
            unset SHLVL OLDPWD
            env -u _ -- "${argv[@]}" < /dev/null
            code=$?
            # a contained local job cannot write here; its runner records the code instead
            if [ -w .sandgate ]; then : > ".sandgate/exit-$code"; fi
            exit "$code"
            """;

    private JobFiles() {
    }

    /**
     * The environment a job sees: a small fixed one (never the server's) plus what its service
     * asked for.
     */
    public static Map<String, String> environment(JobRequest request) {
        Map<String, String> env = ProgramEnvironment.in(request.workDir());
        env.put("SANDGATE_SESSION", request.name());
        env.put("SANDGATE_SANDBOX", request.workDir().toString());
        env.putAll(request.environment());
        return env;
    }

    /**
     * The environment handed to the command that submits a job ({@code sbatch --export=ALL},
     * {@code qsub -V}, DRMAA's {@code drmaa_v_env}): the job's environment without its session id,
     * since a batch system may show a job's variables to other accounts (PBS's
     * {@code Variable_List} in {@code qstat -f}). The job itself reads its whole environment,
     * {@code SANDGATE_SESSION} included, from {@code .sandgate/env}.
     */
    public static Map<String, String> submitEnvironment(JobRequest request) {
        Map<String, String> env = environment(request);
        env.remove("SANDGATE_SESSION");
        return env;
    }

    /**
     * Writes the job script, argv and environment into the sandbox. Readable by every account that
     * can enter the sandbox: in shared mode the job's account reads what the server wrote.
     *
     * @throws IllegalArgumentException for an argv element or variable that cannot be passed (a NUL
     *                                  byte, a bad variable name)
     */
    public static void write(JobRequest request) throws IOException {
        Path dir = request.workDir().resolve(DIR);
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectory(dir);
        }
        write(dir, "argv", nulSeparated(request.argv()), "rw-r--r--");
        write(dir, "env", nulSeparated(environmentPairs(request)), "rw-r--r--");
        write(dir, SCRIPT_FILE, SCRIPT.getBytes(StandardCharsets.UTF_8), "rwxr-xr-x");
    }

    /**
     * What the job wrapper's {@code prepare} (and {@code run}) reads: the sandbox, the job script,
     * the environment and the argv, each list with its length first.
     *
     * @throws IllegalArgumentException for an argv element or variable that cannot be passed
     */
    public static List<String> wrapperFields(JobRequest request) {
        List<String> fields = new ArrayList<>();
        fields.add(request.workDir().toString());
        fields.add(SCRIPT);
        List<String> env = environmentPairs(request);
        fields.add(Integer.toString(env.size()));
        fields.addAll(env);
        fields.add(Integer.toString(request.argv().size()));
        for (String a : request.argv()) {
            if (a.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("a NUL byte cannot be passed to a program");
            }
            fields.add(a);
        }
        return fields;
    }

    private static List<String> environmentPairs(JobRequest request) {
        return environment(request).entrySet().stream().map(e -> {
            if (!ENV_NAME.matcher(e.getKey()).matches()) {
                throw new IllegalArgumentException("not an environment variable name: " + e.getKey());
            }
            if (e.getValue().indexOf('\0') >= 0) {
                throw new IllegalArgumentException("a NUL byte cannot be passed to a program");
            }
            return e.getKey() + "=" + e.getValue();
        }).toList();
    }

    /**
     * As {@link #write}, for a back end about to submit: a file that cannot be written is the back
     * end's failure.
     *
     * @throws BackendException when the files cannot be written
     */
    public static void prepare(JobRequest request) {
        try {
            write(request);
        } catch (IOException e) {
            throw new BackendException("cannot write the job's files: " + e.getMessage(), e);
        }
    }

    private static byte[] nulSeparated(List<String> items) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String item : items) {
            if (item.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("a NUL byte cannot be passed to a program");
            }
            out.writeBytes(item.getBytes(StandardCharsets.UTF_8));
            out.write(0);
        }
        return out.toByteArray();
    }

    /** A fresh file (never an existing one, never through a link) renamed over {@code name}. */
    private static void write(Path dir, String name, byte[] content, String mode) throws IOException {
        Path tmp = Files.createTempFile(dir, ".new.", "",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.write(tmp, content, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString(mode));
            Files.move(tmp, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The exit code the job recorded in its sandbox, if it got that far. */
    public static Optional<Integer> exitCode(Path workDir) {
        return numberNamed(workDir.resolve(DIR), "exit-");
    }

    /**
     * The number in the name of the first entry {@code PREFIXnumber} of a folder: values that a job
     * leaves as names, read without opening anything the job made.
     */
    public static Optional<Integer> numberNamed(Path dir, String prefix) {
        try (DirectoryStream<Path> parent = Files.newDirectoryStream(dir.getParent());
             DirectoryStream<Path> entries = parent instanceof SecureDirectoryStream<Path> secure
                     ? secure.newDirectoryStream(dir.getFileName(), LinkOption.NOFOLLOW_LINKS)
                     : Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                if (!entry.getFileName().toString().startsWith(prefix)) {
                    continue;
                }
                String number = entry.getFileName().toString().substring(prefix.length());
                if (number.matches("[0-9]{1,9}")) {
                    return Optional.of(Integer.parseInt(number));
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
