package org.sandgate.batch.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
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
import org.sandgate.batch.BackendName;
import org.sandgate.batch.BatchSystem;
import org.sandgate.batch.JobFiles;
import org.sandgate.batch.JobLimits;
import org.sandgate.batch.JobRequest;
import org.sandgate.batch.JobStatus;
import org.sandgate.batch.SubmittedJob;
import org.sandgate.batch.command.JobWrapper;
import org.sandgate.process.CommandResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded back end: each job is a process tree on this host, started by the job wrapper (as
 * the job's account in shared mode, as the server's in personal mode), detached, so that a restart
 * or a {@code kill -9} of the server does not touch it; contained by bubblewrap unless the site
 * turned that off, under its resource limits and wall-clock limit. The wrapper writes the job's
 * files from what the server hands it on standard input, and the job's runner leaves its process id
 * and exit code as the names of empty files in the sandbox's {@code .sandgate} folder (see
 * {@link JobFiles}): the server follows a job by listing that folder, never opening a file in it.
 *
 * <p>Jobs that a previous release started in personal mode kept their process id and exit code as
 * file contents in {@code DATA/jobs/<id>}; those are still followed and cancelled that way.
 */
public final class LocalBatchSystem implements BatchSystem {
    private static final Logger LOG = LoggerFactory.getLogger(LocalBatchSystem.class);
    private static final Pattern JOB_ID = Pattern.compile("[0-9a-f]{32}");
    /** Exit status of GNU timeout when the time limit was hit. */
    private static final int TIMED_OUT = 124;
    private static final Duration START_GRACE = Duration.ofSeconds(30);

    private final JobWrapper wrapper;
    private final Containment containment;
    private final Optional<Path> legacyRoot;

    /**
     * @param wrapper     runs the job wrapper
     * @param containment how jobs are contained
     * @param legacyRoot  personal mode: where a previous release kept its jobs' control files
     */
    public LocalBatchSystem(JobWrapper wrapper, Containment containment, Optional<Path> legacyRoot) {
        this.wrapper = wrapper;
        this.containment = containment;
        this.legacyRoot = legacyRoot;
    }

    @Override
    public BackendName name() {
        return BackendName.LOCAL;
    }

    /** How jobs are contained. */
    public Containment containment() {
        return containment;
    }

    @Override
    public String submit(JobRequest request) {
        if (!JOB_ID.matcher(request.name()).matches()) {
            throw new IllegalArgumentException("local job names are session ids");
        }
        Path sandbox = request.workDir();
        JobLimits l = request.limits();
        List<String> fields = new ArrayList<>(JobFiles.wrapperFields(request));
        fields.add(Long.toString(Math.max(1, request.wallTime().toSeconds())));
        fields.addAll(JobWrapper.counted(containment.forJob(sandbox)));
        fields.addAll(List.of(Long.toString(l.processes()), Long.toString(l.fileBytes()),
                Long.toString(l.openFiles()), Long.toString(l.addressBytes())));
        CommandResult r = wrapper.run(request.account(), "run", fields, new byte[0], sandbox.getParent());
        if (!r.succeeded()) {
            throw new BackendException("cannot start the job" + request.account().map(a -> " as " + a).orElse("")
                    + ": " + r.complaint());
        }
        return request.name();
    }

    @Override
    public Map<String, JobStatus> status(Collection<SubmittedJob> jobs) {
        Map<String, JobStatus> out = new HashMap<>();
        for (SubmittedJob job : jobs) {
            Optional<Path> legacy = legacyControl(job.id());
            out.put(job.id(), legacy.isPresent() ? legacyStatus(legacy.get()) : statusOf(job.workDir()));
        }
        return out;
    }

    private static JobStatus statusOf(Path sandbox) {
        Path control = sandbox.resolve(JobFiles.DIR);
        Optional<Integer> code = JobFiles.exitCode(sandbox);
        if (code.isPresent()) {
            return ended(code.get());
        }
        Optional<Integer> pid = JobFiles.numberNamed(control, "pid-");
        if (pid.isEmpty()) {
            return isYoung(control.resolve(JobFiles.SCRIPT_FILE))
                    ? JobStatus.queued() : JobStatus.lost("the job never started");
        }
        if (isRunning(pid.get())) {
            return JobStatus.running();
        }
        return JobFiles.exitCode(sandbox).map(LocalBatchSystem::ended)
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

    /** Whether a job's file was made so recently that the job may not have started yet. */
    static boolean isYoung(Path file) {
        try {
            Instant made = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                    .lastModifiedTime().toInstant();
            return made.isAfter(Instant.now().minus(START_GRACE));
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void cancel(SubmittedJob job) {
        Optional<Path> legacy = legacyControl(job.id());
        if (legacy.isPresent()) {
            legacyCancel(job.id(), legacy.get());
            return;
        }
        CommandResult r = wrapper.run(job.account(), "kill", List.of(job.workDir().toString()), new byte[0],
                job.workDir().getParent());
        if (!r.succeeded()) {
            throw new BackendException("cannot cancel the job" + job.account().map(a -> " as " + a).orElse("")
                    + ": " + r.complaint());
        }
        LOG.info("job {} cancelled", job.id());
    }

    /** Removes what a previous release kept about a job outside its sandbox. */
    @Override
    public void forget(SubmittedJob job) {
        Optional<Path> legacy = legacyControl(job.id());
        if (legacy.isEmpty()) {
            return;
        }
        Path control = legacy.get();
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

    // --- jobs a previous release started (personal mode): values in the contents of DATA/jobs/<id>/*

    private Optional<Path> legacyControl(String id) {
        if (legacyRoot.isEmpty() || !JOB_ID.matcher(id).matches()) {
            return Optional.empty();
        }
        Path control = legacyRoot.get().resolve(id);
        return Files.isDirectory(control, LinkOption.NOFOLLOW_LINKS) ? Optional.of(control) : Optional.empty();
    }

    private static JobStatus legacyStatus(Path control) {
        Optional<Integer> code = readInt(control.resolve("exit_code"));
        if (code.isPresent()) {
            return ended(code.get());
        }
        Optional<Integer> pid = readInt(control.resolve("pid"));
        if (pid.isEmpty()) {
            return isYoung(control) ? JobStatus.queued() : JobStatus.lost("the job never started");
        }
        if (isRunning(pid.get())) {
            return JobStatus.running();
        }
        return readInt(control.resolve("exit_code")).map(LocalBatchSystem::ended)
                .orElseGet(() -> JobStatus.lost("the job's process ended without recording an exit code"));
    }

    private static void legacyCancel(String id, Path control) {
        readInt(control.resolve("pid")).flatMap(ProcessHandle::of).ifPresent(script -> {
            List<ProcessHandle> tree = script.descendants().toList();
            script.destroyForcibly();
            tree.forEach(ProcessHandle::destroyForcibly);
            LOG.info("job {} cancelled ({} processes killed)", id, tree.size() + 1);
        });
    }

    /** A number from a file the server itself wrote (the control directory is the server's, mode 700). */
    private static Optional<Integer> readInt(Path file) {
        try {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                return Optional.empty();
            }
            String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
            return text.matches("[0-9]{1,9}") ? Optional.of(Integer.parseInt(text)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
