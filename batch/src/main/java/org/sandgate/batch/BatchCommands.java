package org.sandgate.batch;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.sandgate.batch.command.AccountSwitch;
import org.sandgate.batch.command.JobWrapper;
import org.sandgate.process.CommandException;
import org.sandgate.process.CommandResult;
import org.sandgate.process.Commands;
import org.sandgate.process.ProgramEnvironment;

/**
 * The command-line tools of one batch system, run as the server's account or, in shared mode, as the
 * job's account through the job wrapper. Shared by the Slurm and PBS back ends.
 */
public final class BatchCommands {
    private final Commands commands;
    private final Optional<Path> binDir;
    private final Optional<AccountSwitch> accounts;
    private final JobWrapper wrapper;
    private final Map<String, String> environment;

    /**
     * @param commands runs and counts the commands
     * @param binDir   where the tools are; empty: found on the standard PATH
     * @param accounts how to act as a job's account (shared mode); empty: everything runs as the server
     */
    public BatchCommands(Commands commands, Optional<Path> binDir, Optional<AccountSwitch> accounts) {
        this.commands = commands;
        this.binDir = binDir;
        this.accounts = accounts;
        this.wrapper = new JobWrapper(commands, accounts);
        Map<String, String> env = ProgramEnvironment.withPath(
                binDir.map(d -> d + ":").orElse("") + ProgramEnvironment.PATH);
        // site settings the tools need to find their controller
        for (String name : List.of("SLURM_CONF", "PBS_CONF_FILE", "PBS_SERVER", "PBS_DEFAULT")) {
            String value = System.getenv(name);
            if (value != null) {
                env.put(name, value);
            }
        }
        this.environment = Map.copyOf(env);
    }

    /** The counter of commands run, for metrics and benchmarks. */
    public Commands commands() {
        return commands;
    }

    private String program(String name) {
        return binDir.map(d -> d.resolve(name).toString()).orElse(name);
    }

    /** Runs a tool as the server's account (queries such as {@code squeue}). */
    public CommandResult asServer(String tool, List<String> args, Path dir) {
        List<String> argv = new ArrayList<>();
        argv.add(program(tool));
        argv.addAll(args);
        return run(argv, environment, dir, new byte[0]);
    }

    /**
     * Writes a job's files into its sandbox: in shared mode the wrapper does, as the job's account,
     * from what it reads on standard input; in personal mode the server, into its own sandbox.
     *
     * @throws BackendException when the files cannot be written
     */
    public void prepare(JobRequest request) {
        if (request.account().isPresent() && accounts.isPresent()) {
            CommandResult r = wrapper.run(request.account(), "prepare", JobFiles.wrapperFields(request), new byte[0],
                    request.workDir().getParent());
            if (!r.succeeded()) {
                throw new BackendException("cannot write the job's files as " + request.account().get() + ": "
                        + r.complaint());
            }
            return;
        }
        JobFiles.prepare(request);
    }

    /**
     * Runs a tool for a job: as the job's account in shared mode (through the wrapper's {@code batch}
     * action, in the job's sandbox), as the server otherwise.
     *
     * @param job      environment of the job to pass along (personal mode: the tool's environment is
     *                 the job's, which is what {@code sbatch --export=ALL} hands on)
     */
    public CommandResult forJob(Optional<String> account, String tool, List<String> args, Path sandbox,
                                Map<String, String> job, byte[] stdin) {
        if (account.isPresent() && accounts.isPresent()) {
            List<String> fields = new ArrayList<>(List.of(sandbox.toString(), program(tool)));
            fields.addAll(JobWrapper.counted(args));
            return wrapper.run(account, "batch", fields, stdin, sandbox.getParent());
        }
        Map<String, String> env = new HashMap<>(job);
        env.putAll(environment);
        List<String> argv = new ArrayList<>();
        argv.add(program(tool));
        argv.addAll(args);
        return run(argv, env, sandbox, stdin);
    }

    /** A tool that cannot be run to its end is a back end that cannot be reached. */
    private CommandResult run(List<String> argv, Map<String, String> env, Path dir, byte[] stdin) {
        try {
            return commands.run(argv, env, dir, stdin);
        } catch (CommandException e) {
            throw new BackendException(e.getMessage(), e);
        }
    }
}
