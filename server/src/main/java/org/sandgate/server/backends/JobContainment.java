package org.sandgate.server.backends;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.sandgate.batch.BackendException;
import org.sandgate.batch.command.JobWrapper;
import org.sandgate.batch.local.Containment;
import org.sandgate.process.CommandResult;
import org.sandgate.process.Commands;
import org.sandgate.server.config.SandgateConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides at start how local jobs and immediate commands are contained ({@code jobs.containment}),
 * by running a trivial command under bubblewrap the way jobs will run: as the server's account
 * (immediate commands, personal-mode jobs) and, in shared mode, as the check account through the
 * job wrapper. {@code auto} takes bubblewrap where that works; {@code bwrap} refuses to start without
 * it; {@code none} and an {@code auto} that found no bubblewrap say loudly what that means.
 */
public final class JobContainment {
    private static final Logger LOG = LoggerFactory.getLogger(JobContainment.class);

    private JobContainment() {
    }

    /**
     * What was decided, and why, for the log and {@code sandgate-server check}.
     *
     * @param warning whether jobs run uncontained
     */
    public record Decision(Containment containment, String description, boolean warning) {
        /** Says it in the server's log: a warning when jobs are not contained. */
        public Decision log() {
            if (warning) {
                LOG.warn("containment: {}", description);
            } else {
                LOG.info("containment: {}", description);
            }
            return this;
        }
    }

    /**
     * @param hidden        directories no job may see (the data and configuration directories)
     * @param sharedWrapper shared mode: the wrapper as the accounts, and the account to try
     * @throws ContainmentException when {@code bwrap} was asked for and does not work
     */
    public static Decision decide(SandgateConfig.Jobs config, List<Path> hidden,
                                  Optional<JobWrapper> sharedWrapper, Optional<String> checkAccount) {
        Containment bwrap = new Containment(Containment.Mode.BWRAP, hidden,
                config.readOnly().stream().map(Path::of).toList());
        if (config.containment().equals("none")) {
            String d = "NONE (jobs.containment: none): jobs are NOT contained. A job can read and change "
                    + "everything its account can (in personal mode the server's state, keys and every sandbox), "
                    + "and processes it leaves behind outlive cancel and the wall-clock limit";
            return new Decision(Containment.NONE, d, true);
        }
        List<String> problems = new ArrayList<>();
        problemRunning(new JobWrapper(new Commands(Duration.ofSeconds(30)), Optional.empty()), Optional.empty(), bwrap)
                .ifPresent(p -> problems.add("as the server's account: " + p));
        if (sharedWrapper.isPresent()) {
            problemRunning(sharedWrapper.get(), checkAccount, bwrap)
                    .ifPresent(p -> problems.add("as " + checkAccount.orElse("?") + " through the job wrapper: " + p));
        }
        if (problems.isEmpty()) {
            String d = "bubblewrap: every local job and immediate command runs in its own PID, mount, user, IPC "
                    + "and UTS namespaces, sees only its sandbox (read-write) and the system directories (read-only)";
            return new Decision(bwrap, d, false);
        }
        String why = String.join("; ", problems);
        if (config.containment().equals("bwrap")) {
            throw new ContainmentException("jobs.containment is bwrap but bubblewrap does not work here: " + why
                    + " (install it: apt-get install bubblewrap; it needs unprivileged user namespaces)");
        }
        String d = "NONE (jobs.containment: auto, and bubblewrap does not work here: " + why + "): jobs are NOT "
                + "contained. A job can read and change everything its account can (in personal mode the server's "
                + "state, keys and every sandbox), and processes it leaves behind outlive cancel and the wall-clock "
                + "limit. Install bubblewrap (apt-get install bubblewrap) or say jobs.containment: none";
        return new Decision(Containment.NONE, d, true);
    }

    private static Optional<String> problemRunning(JobWrapper wrapper, Optional<String> account, Containment c) {
        try {
            CommandResult r = wrapper.run(account, "contain-check", JobWrapper.counted(c.forCheck()), new byte[0],
                    Path.of("/"));
            return r.succeeded() && r.stdout().strip().equals("ok") ? Optional.empty() : Optional.of(r.complaint());
        } catch (BackendException e) {
            return Optional.of(e.getMessage());
        }
    }
}
