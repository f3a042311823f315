package org.sandgate.batch.local;

import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.sandgate.batch.BackendException;
import org.sandgate.batch.BatchSystem;
import org.sandgate.batch.JobFiles;
import org.sandgate.batch.JobRequest;
import org.sandgate.batch.JobStatus;
import org.sandgate.batch.SubmittedJob;
import org.sandgate.batch.command.AccountSwitch;
import org.sandgate.batch.command.CommandResult;
import org.sandgate.batch.command.Commands;

/**
 * The embedded back end in shared mode: the job wrapper, run through sudo as the job's account,
 * starts the job detached in its sandbox under a wall-clock limit and kills it on cancel. The job
 * leaves its process id and exit code as file names in the sandbox's {@code .sandgate} folder,
 * which the server reads to follow it, also after a restart.
 */
public final class SharedLocalBatchSystem implements BatchSystem {

    private final Commands commands;
    private final AccountSwitch accounts;

    public SharedLocalBatchSystem(Commands commands, AccountSwitch accounts) {
        this.commands = commands;
        this.accounts = accounts;
    }

    @Override
    public String name() {
        return "local";
    }

    @Override
    public String submit(JobRequest request) {
        String account = request.account().orElseThrow(() -> new IllegalArgumentException("shared mode needs an account"));
        JobFiles.prepare(request);
        long seconds = Math.max(1, request.wallTime().toSeconds());
        CommandResult r = run(account, "run", List.of(request.workDir().toString(), Long.toString(seconds)),
                request.workDir());
        if (!r.succeeded()) {
            throw new BackendException("cannot start the job as " + account + ": " + r.complaint());
        }
        return request.name();
    }

    private CommandResult run(String account, String action, List<String> args, Path dir) {
        return commands.run(accounts.command(account, action, args), Map.of("PATH", "/usr/bin:/bin"),
                dir.getParent(), new byte[0]);
    }

    @Override
    public Map<String, JobStatus> status(Collection<SubmittedJob> jobs) {
        Map<String, JobStatus> out = new HashMap<>();
        for (SubmittedJob job : jobs) {
            out.put(job.id(), statusOf(job.workDir()));
        }
        return out;
    }

    private static JobStatus statusOf(Path sandbox) {
        Path control = sandbox.resolve(JobFiles.DIR);
        Optional<Integer> code = JobFiles.exitCode(sandbox);
        if (code.isPresent()) {
            return LocalBatchSystem.ended(code.get());
        }
        Optional<Integer> pid = JobFiles.numberNamed(control, "pid-");
        if (pid.isEmpty()) {
            return LocalBatchSystem.isYoung(control.resolve(JobFiles.SCRIPT_FILE))
                    ? JobStatus.queued() : JobStatus.lost("the job never started");
        }
        if (LocalBatchSystem.isRunning(pid.get())) {
            return JobStatus.running();
        }
        return JobFiles.exitCode(sandbox).map(LocalBatchSystem::ended)
                .orElseGet(() -> JobStatus.lost("the job's process ended without recording an exit code"));
    }

    @Override
    public void cancel(SubmittedJob job) {
        String account = job.account().orElseThrow(() -> new IllegalArgumentException("shared mode needs an account"));
        CommandResult r = run(account, "kill", List.of(job.workDir().toString()), job.workDir());
        if (!r.succeeded()) {
            throw new BackendException("cannot cancel the job as " + account + ": " + r.complaint());
        }
    }
}
