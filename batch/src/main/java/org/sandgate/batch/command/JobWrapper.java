package org.sandgate.batch.command;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.sandgate.batch.BackendException;
import org.sandgate.process.CommandException;
import org.sandgate.process.CommandResult;
import org.sandgate.process.Commands;
import org.sandgate.process.ProgramEnvironment;

/**
 * Runs an action of the job wrapper ({@code libexec/sandgate-job-wrapper}), the one program that
 * prepares, starts and kills local jobs and touches a job's files: as a job's account through sudo in
 * shared mode, as the server's own account in personal mode (the same text, from the class path).
 * Everything but the action goes to it on standard input as NUL-terminated fields, never on a
 * command line.
 */
public final class JobWrapper {
    /** The wrapper's text, as installed in {@code libexec}. */
    public static final String TEXT = load();
    private static final Map<String, String> ENV = Map.copyOf(ProgramEnvironment.fixed());

    private final Commands commands;
    private final Optional<AccountSwitch> accounts;

    /**
     * @param commands runs the wrapper under a time limit
     * @param accounts shared mode: how to become an account; empty: personal mode
     */
    public JobWrapper(Commands commands, Optional<AccountSwitch> accounts) {
        this.commands = commands;
        this.accounts = accounts;
    }

    /** Whether actions run as the jobs' accounts (shared mode). */
    public boolean shared() {
        return accounts.isPresent();
    }

    /**
     * Runs one action.
     *
     * @param account the job's account (shared mode; ignored in personal mode)
     * @param fields  the action's fields, in order
     * @param rest    bytes after the fields (what {@code batch} hands the batch command)
     * @param dir     the working directory of the wrapper
     * @throws BackendException when it cannot run or does not end in time
     * @throws IllegalArgumentException for a field with a NUL byte
     */
    public CommandResult run(Optional<String> account, String action, List<String> fields, byte[] rest, Path dir) {
        List<String> argv;
        if (accounts.isPresent()) {
            argv = accounts.get().command(account.orElseThrow(
                    () -> new IllegalArgumentException("shared mode needs an account")), action);
        } else {
            argv = List.of("/bin/bash", "-c", TEXT, "sandgate-job-wrapper", action);
        }
        ByteArrayOutputStream in = new ByteArrayOutputStream();
        for (String f : fields) {
            if (f.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("a NUL byte cannot be passed to a program");
            }
            in.writeBytes(f.getBytes(StandardCharsets.UTF_8));
            in.write(0);
        }
        in.writeBytes(rest);
        try {
            return commands.run(argv, ENV, dir, in.toByteArray());
        } catch (CommandException e) {
            throw new BackendException(e.getMessage(), e);
        }
    }

    /** A list as the wrapper reads it: its length, then its items. */
    public static List<String> counted(List<String> items) {
        List<String> out = new ArrayList<>(items.size() + 1);
        out.add(Integer.toString(items.size()));
        out.addAll(items);
        return out;
    }

    private static String load() {
        try (InputStream in = JobWrapper.class.getResourceAsStream("sandgate-job-wrapper")) {
            if (in == null) {
                throw new IllegalStateException("the job wrapper is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
