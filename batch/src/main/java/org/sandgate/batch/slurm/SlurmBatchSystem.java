package org.sandgate.batch.slurm;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.sandgate.batch.BackendException;
import org.sandgate.batch.BackendName;
import org.sandgate.batch.BatchCommands;
import org.sandgate.batch.BatchSystem;
import org.sandgate.batch.JobFiles;
import org.sandgate.batch.JobRequest;
import org.sandgate.batch.JobStatus;
import org.sandgate.batch.SubmittedJob;
import org.sandgate.process.CommandResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Slurm: {@code sbatch --parsable} with the fixed job script on its standard input, one
 * {@code squeue} call per poll for all live jobs, {@code scancel}. The exit code comes from the file
 * the job script leaves in the sandbox, so it is known without slurmdbd and after Slurm has purged
 * the job ({@code MinJobAge}).
 */
public final class SlurmBatchSystem implements BatchSystem {
    private static final Logger LOG = LoggerFactory.getLogger(SlurmBatchSystem.class);
    private static final Pattern JOB_ID = Pattern.compile("[0-9]+(_[0-9]+)?");

    private final BatchCommands tools;
    private final SlurmSettings settings;

    public SlurmBatchSystem(BatchCommands tools, SlurmSettings settings) {
        this.tools = tools;
        this.settings = settings;
    }

    @Override
    public BackendName name() {
        return BackendName.SLURM;
    }

    @Override
    public String submit(JobRequest request) {
        tools.prepare(request);
        Path dir = request.workDir();
        List<String> args = new ArrayList<>(List.of("--parsable",
                "--job-name=" + request.batchName(),
                "--chdir=" + dir,
                "--output=" + dir.resolve("stdout"),
                "--error=" + dir.resolve("stderr"),
                "--time=" + minutes(request.wallTime().toSeconds()),
                "--export=ALL"));
        settings.partition().ifPresent(p -> args.add("--partition=" + p));
        settings.account().ifPresent(a -> args.add("--account=" + a));
        args.addAll(settings.options());
        CommandResult r = tools.forJob(request.account(), "sbatch", args, dir, JobFiles.submitEnvironment(request),
                JobFiles.SCRIPT.getBytes(StandardCharsets.UTF_8));
        if (!r.succeeded()) {
            throw new BackendException("sbatch: " + r.complaint());
        }
        String id = r.stdout().strip();
        int semicolon = id.indexOf(';');
        if (semicolon >= 0) {
            id = id.substring(0, semicolon);
        }
        if (!JOB_ID.matcher(id).matches()) {
            throw new BackendException("sbatch answered '" + r.stdout().strip() + "', not a job id");
        }
        LOG.info("session {}: Slurm job {}", request.name(), id);
        return id;
    }

    /** Slurm's time limit in whole minutes, rounded up (it would round down seconds). */
    static String minutes(long seconds) {
        return Long.toString(Math.max(1, (seconds + 59) / 60));
    }

    @Override
    public Map<String, JobStatus> status(Collection<SubmittedJob> jobs) {
        Map<String, JobStatus> out = new HashMap<>();
        if (jobs.isEmpty()) {
            return out;
        }
        List<SubmittedJob> valid = jobs.stream().filter(j -> JOB_ID.matcher(j.id()).matches()).toList();
        Map<String, String[]> known = valid.isEmpty() ? Map.of() : squeue(valid);
        for (SubmittedJob job : jobs) {
            out.put(job.id(), statusOf(job, known.get(job.id())));
        }
        return out;
    }

    /** One squeue call: job id to {state, reason} for every listed job Slurm still knows. */
    private Map<String, String[]> squeue(List<SubmittedJob> jobs) {
        String ids = jobs.stream().map(SubmittedJob::id).distinct().collect(Collectors.joining(","));
        CommandResult r = tools.asServer("squeue", List.of("--noheader", "--states=all", "--jobs=" + ids,
                "--format=%i|%T|%r"), Path.of("/"));
        Map<String, String[]> known = new HashMap<>();
        if (!r.succeeded()) {
            // every listed job purged: Slurm says so instead of printing nothing
            if (r.stderr().contains("Invalid job id")) {
                return known;
            }
            throw new BackendException("squeue: " + r.complaint());
        }
        for (String line : r.stdout().split("\n")) {
            String[] f = line.strip().split("\\|", 3);
            if (f.length == 3) {
                known.put(f[0], new String[] {f[1], f[2]});
            }
        }
        return known;
    }

    private static JobStatus statusOf(SubmittedJob job, String[] slurm) {
        Optional<Integer> code = JobFiles.exitCode(job.workDir());
        if (slurm == null) {
            return code.map(c -> JobStatus.ended(c, Optional.empty())).orElseGet(() -> JobStatus.lost(
                    "Slurm no longer knows job " + job.id() + " and it recorded no exit code"));
        }
        String state = slurm[0];
        switch (state) {
            case "PENDING", "CONFIGURING", "REQUEUED", "REQUEUE_HOLD", "REQUEUE_FED", "RESV_DEL_HOLD",
                 "SUSPENDED", "STOPPED", "RESIZING", "SIGNALING" -> {
                return JobStatus.queued();
            }
            case "RUNNING", "COMPLETING", "STAGE_OUT" -> {
                // the exit code may already be there while Slurm finishes the step
                return code.map(c -> JobStatus.ended(c, Optional.empty())).orElseGet(JobStatus::running);
            }
            default -> {
                if (code.isPresent()) {
                    return JobStatus.ended(code.get(), Optional.empty());
                }
                return JobStatus.endedWithoutCode(switch (state) {
                    case "TIMEOUT" -> "killed at its wall-clock limit";
                    case "CANCELLED" -> "cancelled in Slurm";
                    default -> "Slurm ended the job: " + state
                            + ("None".equals(slurm[1]) ? "" : " (" + slurm[1] + ")");
                });
            }
        }
    }

    /** Looks the job up by its name ({@link JobRequest#batchName()}), among the jobs Slurm still knows. */
    @Override
    public Optional<String> findByName(String name) {
        CommandResult r = tools.asServer("squeue", List.of("--noheader", "--states=all", "--name=" + name,
                "--format=%i"), Path.of("/"));
        if (!r.succeeded()) {
            throw new BackendException("squeue: " + r.complaint());
        }
        return r.stdout().lines().map(String::strip).filter(id -> JOB_ID.matcher(id).matches()).findFirst();
    }

    @Override
    public void cancel(SubmittedJob job) {
        if (!JOB_ID.matcher(job.id()).matches()) {
            return;
        }
        CommandResult r = tools.forJob(job.account(), "scancel", List.of(job.id()), job.workDir(), Map.of(),
                new byte[0]);
        if (!r.succeeded() && !r.stderr().contains("already completing or completed")
                && !r.stderr().contains("Invalid job id")) {
            throw new BackendException("scancel: " + r.complaint());
        }
        LOG.info("Slurm job {} cancelled", job.id());
    }
}
