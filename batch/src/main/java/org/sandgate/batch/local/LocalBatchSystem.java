package org.sandgate.batch.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.sandgate.batch.BackendException;
import org.sandgate.batch.BatchSystem;
import org.sandgate.batch.JobFiles;
import org.sandgate.batch.JobRequest;
import org.sandgate.batch.JobStatus;
import org.sandgate.batch.SubmittedJob;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded back end: each job is a process on this host, detached from the server
 * ({@code setsid --fork}), so a restart or a {@code kill -9} of the server does not touch it. A fixed
 * shell script, never built from user input (the job's argv reaches it as positional parameters),
 * runs the job under {@code timeout} in its sandbox and records its process id and, when it ends,
 * its exit code in a control directory; the server reads those files to follow the job, also after
 * a restart.
 */
public final class LocalBatchSystem implements BatchSystem {
    private static final Logger LOG = LoggerFactory.getLogger(LocalBatchSystem.class);
    private static final Pattern JOB_ID = Pattern.compile("[0-9a-f]{32}");
    /** Exit status of GNU timeout when the time limit was hit. */
    private static final int TIMED_OUT = 124;
    private static final Duration START_GRACE = Duration.ofSeconds(30);

    /** $1 control dir, $2 work dir, $3 limit in seconds, the rest: the job's argv. */
    static final String SCRIPT = """
            control=$1; dir=$2; limit=$3; shift 3
            echo $$ > "$control/pid.tmp" && mv "$control/pid.tmp" "$control/pid"
            if cd "$dir"; then
                timeout --kill-after=10 "$limit" "$@" > stdout 2> stderr < /dev/null
                code=$?
            else
                code=126
            fi
            echo "$code" > "$control/exit_code.tmp" && mv "$control/exit_code.tmp" "$control/exit_code"
            """;

    private final Path controlRoot;

    /** Jobs' control files go under {@code controlRoot} (made mode 700). */
    public LocalBatchSystem(Path controlRoot) throws IOException {
        Files.createDirectories(controlRoot);
        Files.setPosixFilePermissions(controlRoot, PosixFilePermissions.fromString("rwx------"));
        this.controlRoot = controlRoot;
    }

    @Override
    public String name() {
        return "local";
    }

    @Override
    public String submit(JobRequest request) {
        if (!JOB_ID.matcher(request.name()).matches()) {
            throw new IllegalArgumentException("local job names are session ids");
        }
        Path control = controlRoot.resolve(request.name());
        try {
            Files.createDirectories(control);
        } catch (IOException e) {
            throw new BackendException("cannot make the job's control directory: " + e.getMessage(), e);
        }
        long seconds = Math.max(1, request.wallTime().toSeconds());
        List<String> argv = new ArrayList<>(List.of("setsid", "--fork", "/bin/sh", "-c", SCRIPT, "sandgate-job",
                control.toString(), request.workDir().toString(), Long.toString(seconds)));
        argv.addAll(request.argv());
        ProcessBuilder pb = new ProcessBuilder(argv)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        // a job sees a small, fixed environment plus what its service asked for, never the server's
        Map<String, String> env = pb.environment();
        env.clear();
        env.putAll(JobFiles.environment(request));
        try {
            Process launcher = pb.start();
            if (launcher.waitFor() != 0) {
                throw new BackendException("setsid could not start the job (exit " + launcher.exitValue() + ")");
            }
        } catch (IOException e) {
            throw new BackendException("cannot start the job: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendException("interrupted while starting the job", e);
        }
        return request.name();
    }

    @Override
    public Map<String, JobStatus> status(Collection<SubmittedJob> jobs) {
        Map<String, JobStatus> out = new HashMap<>();
        for (SubmittedJob job : jobs) {
            out.put(job.id(), statusOf(job.id()));
        }
        return out;
    }

    private JobStatus statusOf(String id) {
        if (!JOB_ID.matcher(id).matches()) {
            return JobStatus.lost("not a local job id");
        }
        Path control = controlRoot.resolve(id);
        Optional<Integer> code = readInt(control.resolve("exit_code"));
        if (code.isPresent()) {
            return ended(code.get());
        }
        Optional<Integer> pid = readInt(control.resolve("pid"));
        if (pid.isEmpty()) {
            if (isYoung(control)) {
                return new JobStatus(JobStatus.Phase.QUEUED, Optional.empty(), Optional.empty());
            }
            return JobStatus.lost("the job never started");
        }
        if (isRunning(pid.get())) {
            return JobStatus.running();
        }
        Optional<Integer> late = readInt(control.resolve("exit_code"));
        return late.map(LocalBatchSystem::ended)
                .orElseGet(() -> JobStatus.lost("the job's process ended without recording an exit code"));
    }

    /**
     * Whether a process runs. A killed job whose parent is gone can stay a zombie where nothing reaps
     * it (some container init processes do not), so a zombie counts as ended.
     */
    static boolean isRunning(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
            int close = stat.lastIndexOf(')');
            return close > 0 && close + 2 < stat.length() && stat.charAt(close + 2) != 'Z';
        } catch (IOException e) {
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        }
    }

    /** A job's end by its exit code; 124 is {@code timeout}'s: killed at the wall-clock limit. */
    static JobStatus ended(int code) {
        return JobStatus.ended(code, code == TIMED_OUT
                ? Optional.of("killed at its wall-clock limit") : Optional.empty());
    }

    /** Whether a job's files were made so recently that it may not have started yet. */
    static boolean isYoung(Path control) {
        try {
            return Files.getLastModifiedTime(control).toInstant().isAfter(Instant.now().minus(START_GRACE));
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void cancel(SubmittedJob job) {
        String jobId = job.id();
        if (!JOB_ID.matcher(jobId).matches()) {
            return;
        }
        readInt(controlRoot.resolve(jobId).resolve("pid")).flatMap(ProcessHandle::of).ifPresent(script -> {
            List<ProcessHandle> tree = script.descendants().toList();
            script.destroyForcibly();
            tree.forEach(ProcessHandle::destroyForcibly);
            LOG.info("job {} cancelled ({} processes killed)", jobId, tree.size() + 1);
        });
    }

    /** Removes a job's control files (after its session is deleted). */
    @Override
    public void forget(SubmittedJob job) {
        String jobId = job.id();
        if (!JOB_ID.matcher(jobId).matches()) {
            return;
        }
        Path control = controlRoot.resolve(jobId);
        for (String f : List.of("pid", "exit_code", "pid.tmp", "exit_code.tmp")) {
            try {
                Files.deleteIfExists(control.resolve(f));
            } catch (IOException e) {
                LOG.debug("cannot remove {}", control.resolve(f), e);
            }
        }
        try {
            Files.deleteIfExists(control);
        } catch (IOException e) {
            LOG.debug("cannot remove {}", control, e);
        }
    }

    private static Optional<Integer> readInt(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
            return text.matches("[0-9]{1,9}") ? Optional.of(Integer.parseInt(text)) : Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
