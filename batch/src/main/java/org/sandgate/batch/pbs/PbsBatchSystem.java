package org.sandgate.batch.pbs;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
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
 * PBS: {@code qsub} of the fixed job script (written to the sandbox: not every qsub reads a script
 * from standard input), one {@code qstat -f} call per poll for all live jobs, {@code qdel}. Works with
 * the output of Torque, PBS Pro and Slurm's PBS commands. Exit codes come from the sandbox.
 */
public final class PbsBatchSystem implements BatchSystem {
    private static final Logger LOG = LoggerFactory.getLogger(PbsBatchSystem.class);
    private static final Pattern JOB_ID = Pattern.compile("[0-9]+(\\[[0-9]*\\])?(\\.[A-Za-z0-9.-]+)?");

    private final BatchCommands tools;
    private final PbsSettings settings;

    public PbsBatchSystem(BatchCommands tools, PbsSettings settings) {
        this.tools = tools;
        this.settings = settings;
    }

    @Override
    public BackendName name() {
        return BackendName.PBS;
    }

    @Override
    public String submit(JobRequest request) {
        tools.prepare(request);
        Path dir = request.workDir();
        // PBS job names: at most 15 characters, starting with a letter
        String name = request.batchName().substring(0, Math.min(15, request.batchName().length()));
        List<String> args = new ArrayList<>(List.of("-N", name,
                "-o", dir.resolve("stdout").toString(),
                "-e", dir.resolve("stderr").toString(),
                "-l", "walltime=" + hms(request.wallTime().toSeconds()),
                "-V"));
        settings.queue().ifPresent(q -> {
            args.add("-q");
            args.add(q);
        });
        args.addAll(settings.options());
        args.add(dir.resolve(JobFiles.DIR).resolve(JobFiles.SCRIPT_FILE).toString());
        CommandResult r = tools.forJob(request.account(), "qsub", args, dir, JobFiles.submitEnvironment(request),
                new byte[0]);
        if (!r.succeeded()) {
            throw new BackendException("qsub: " + r.complaint());
        }
        String id = r.stdout().strip();
        if (!JOB_ID.matcher(id).matches()) {
            throw new BackendException("qsub answered '" + id + "', not a job id");
        }
        LOG.info("session {}: PBS job {}", request.name(), id);
        return id;
    }

    static String hms(long seconds) {
        long s = Math.max(1, seconds);
        return String.format("%02d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    }

    @Override
    public Map<String, JobStatus> status(Collection<SubmittedJob> jobs) {
        Map<String, JobStatus> out = new HashMap<>();
        List<String> ids = jobs.stream().map(SubmittedJob::id).filter(id -> JOB_ID.matcher(id).matches())
                .distinct().toList();
        Map<String, Map<String, String>> known = Map.of();
        if (!ids.isEmpty()) {
            List<String> args = new ArrayList<>(List.of("-f"));
            args.addAll(ids);
            CommandResult r = tools.asServer("qstat", args, Path.of("/"));
            known = QstatOutput.parse(r.stdout());
            // qstat fails when some of the jobs are gone; only silence about all of them is trouble
            if (!r.succeeded() && known.isEmpty() && !unknownJobs(r)) {
                throw new BackendException("qstat: " + r.complaint());
            }
        }
        for (SubmittedJob job : jobs) {
            out.put(job.id(), statusOf(job, known.get(job.id())));
        }
        return out;
    }

    /** Whether a failed qstat only said that the jobs are unknown (finished and purged). */
    private static boolean unknownJobs(CommandResult r) {
        String text = r.stderr().toLowerCase(java.util.Locale.ROOT);
        return text.isBlank() || text.contains("unknown job") || text.contains("invalid job");
    }

    private static JobStatus statusOf(SubmittedJob job, Map<String, String> pbs) {
        Optional<Integer> code = JobFiles.exitCode(job.workDir());
        if (code.isPresent()) {
            return JobStatus.ended(code.get(), Optional.empty());
        }
        if (pbs == null) {
            return JobStatus.lost("PBS no longer knows job " + job.id() + " and it recorded no exit code");
        }
        String state = pbs.getOrDefault("job_state", "?");
        return switch (state) {
            case "Q", "H", "W", "T", "S", "U", "B" -> JobStatus.queued();
            case "R", "E" -> JobStatus.running();
            default -> JobStatus.endedWithoutCode("PBS ended the job (state " + state
                    + Optional.ofNullable(pbs.get("exit_status")).map(s -> ", exit_status " + s).orElse("") + ")");
        };
    }

    @Override
    public void cancel(SubmittedJob job) {
        if (!JOB_ID.matcher(job.id()).matches()) {
            return;
        }
        CommandResult r = tools.forJob(job.account(), "qdel", List.of(job.id()), job.workDir(), Map.of(), new byte[0]);
        if (!r.succeeded() && JobFiles.exitCode(job.workDir()).isEmpty()) {
            LOG.info("qdel {}: {}", job.id(), r.complaint());
        }
    }
}
