package org.sandgate.batch.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sandgate.batch.JobStatus;
import org.sandgate.batch.SubmittedJob;
import org.sandgate.batch.command.JobWrapper;
import org.sandgate.process.Commands;

/**
 * After an upgrade the local back end keeps following, and cancels, jobs that the previous release
 * started in personal mode, which kept their process id and exit code as file contents in
 * {@code DATA/jobs/<id>}. The jobs here are started by that release's own launcher script.
 */
class LegacyLocalJobsTest {
    /** The previous release's launcher, verbatim: $1 control dir, $2 work dir, $3 limit, the rest argv. */
    static final String PREVIOUS = """
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

    @TempDir
    Path data;

    private SubmittedJob startAsThePreviousReleaseDid(String id, String... argv) throws Exception {
        Path control = data.resolve("jobs").resolve(id);
        Path sandbox = data.resolve("sandboxes").resolve(id);
        Files.createDirectories(control);
        Files.createDirectories(sandbox);
        List<String> cmd = new java.util.ArrayList<>(List.of("setsid", "--fork", "/bin/sh", "-c", PREVIOUS, "sandgate-job",
                control.toString(), sandbox.toString(), "60"));
        cmd.addAll(List.of(argv));
        assertEquals(0, new ProcessBuilder(cmd).start().waitFor());
        return new SubmittedJob(id, sandbox, Optional.empty());
    }

    private LocalBatchSystem upgraded() {
        return new LocalBatchSystem(new JobWrapper(new Commands(Duration.ofSeconds(10)), Optional.empty()),
                Containment.NONE, Optional.of(data.resolve("jobs")));
    }

    private JobStatus awaitPhase(LocalBatchSystem local, SubmittedJob job, JobStatus.Phase phase) throws Exception {
        Instant deadline = Instant.now().plusSeconds(20);
        JobStatus s = local.status(List.of(job)).get(job.id());
        while (s.phase() != phase && Instant.now().isBefore(deadline)) {
            Thread.sleep(50);
            s = local.status(List.of(job)).get(job.id());
        }
        return s;
    }

    @Test
    void aJobThePreviousReleaseStartedIsFollowedToItsExitCode() throws Exception {
        SubmittedJob job = startAsThePreviousReleaseDid("0123456789abcdef0123456789abcdef", "/bin/sh", "-c", "sleep 1; exit 3");
        LocalBatchSystem local = upgraded();
        assertEquals(JobStatus.Phase.RUNNING, awaitPhase(local, job, JobStatus.Phase.RUNNING).phase());
        JobStatus end = awaitPhase(local, job, JobStatus.Phase.ENDED);
        assertEquals(JobStatus.Phase.ENDED, end.phase(), end.toString());
        assertEquals(Optional.of(3), end.exitCode());
        local.forget(job);
        assertFalse(Files.exists(data.resolve("jobs").resolve(job.id())));
    }

    @Test
    void aJobThePreviousReleaseStartedIsCancelledWithItsWholeTree() throws Exception {
        SubmittedJob job = startAsThePreviousReleaseDid("fedcba9876543210fedcba9876543210", "/bin/sh", "-c",
                "sleep 4711 & sleep 4712");
        LocalBatchSystem local = upgraded();
        assertEquals(JobStatus.Phase.RUNNING, awaitPhase(local, job, JobStatus.Phase.RUNNING).phase());
        Thread.sleep(300);
        long pid = Long.parseLong(Files.readString(data.resolve("jobs").resolve(job.id()).resolve("pid")).strip());
        List<ProcessHandle> tree = ProcessHandle.of(pid).orElseThrow().descendants().toList();
        assertTrue(tree.size() >= 2, tree.toString());
        local.cancel(job);
        Thread.sleep(500);
        assertFalse(LocalBatchSystem.isRunning(pid), "the launcher is gone");
        for (ProcessHandle p : tree) {
            assertFalse(LocalBatchSystem.isRunning(p.pid()), "process " + p.pid() + " of the job is gone");
        }
        assertTrue(Map.of(JobStatus.Phase.LOST, 1, JobStatus.Phase.ENDED, 1)
                .containsKey(local.status(List.of(job)).get(job.id()).phase()));
    }
}
