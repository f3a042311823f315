package org.sandgate.server.runmode;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.sandgate.batch.BackendName;
import org.sandgate.batch.command.AccountSwitch;
import org.sandgate.batch.command.JobWrapper;
import org.sandgate.sandbox.Sandboxes;
import org.sandgate.sandbox.Session;
import org.sandgate.server.config.SandgateConfig;
import org.sandgate.server.files.DataDirectory;
import org.sandgate.server.shared.SharedMode;

/**
 * How work runs on this server, decided once from {@code mode}: in personal mode every job, sandbox
 * and file belongs to the server's own account; in shared mode jobs and sandboxes belong to the
 * mapped accounts, reached through sudo and the job wrapper ({@link SharedMode}). Everything that
 * differs between the two is handed out here: the modes of the data directory, the sandbox keeper,
 * the account switch of the back ends, the account a sandbox must belong to, and which back ends
 * may be used.
 */
public final class RunMode {
    private final Sandboxes sandboxes;
    private final Optional<SharedMode> shared;

    private RunMode(Sandboxes sandboxes, Optional<SharedMode> shared) {
        this.sandboxes = sandboxes;
        this.shared = shared;
    }

    /** Whether a configuration runs work as the mapped accounts. */
    private static boolean shared(SandgateConfig config) {
        return config.mode() == SandgateConfig.Mode.SHARED;
    }

    /**
     * Makes the data directory and the server's directories in it with the modes of the configured
     * mode, without checking what is inside (for the start, before the log file opens).
     */
    public static void createDataDirectory(SandgateConfig config, Path data) throws IOException {
        DataDirectory.create(data, shared(config));
    }

    /**
     * Puts the configured mode in force: secures the data directory for it and, in shared mode,
     * checks that the job wrapper is safe and that sudo lets the server run it, and prepares the
     * sandbox directory.
     *
     * @param home the installation (where {@code libexec/sandgate-job-wrapper} is)
     * @throws org.sandgate.server.shared.SharedModeException saying what to fix
     */
    public static RunMode start(SandgateConfig config, Path home, Path data, Sandboxes sandboxes) throws IOException {
        DataDirectory.secure(data, shared(config));
        return new RunMode(sandboxes, shared(config)
                ? Optional.of(SharedMode.start(config.shared(), home, sandboxes.root())) : Optional.empty());
    }

    /** Personal mode on a sandbox directory, with nothing else prepared (for tests of what runs in it). */
    public static RunMode personal(Sandboxes sandboxes) {
        return new RunMode(sandboxes, Optional.empty());
    }

    /** Whether jobs run as the mapped accounts. */
    public boolean shared() {
        return shared.isPresent();
    }

    /** Who makes and removes sandboxes: the server, or each sandbox's account. */
    public SandboxKeeper sandboxKeeper() {
        return shared.map(m -> SandboxKeeper.shared(sandboxes, m)).orElseGet(() -> SandboxKeeper.personal(sandboxes));
    }

    /** How the back ends act as a job's account; empty in personal mode (as the server's own). */
    public Optional<AccountSwitch> accountSwitch() {
        return shared.map(SharedMode::accountSwitch);
    }

    /** The job wrapper run as the mapped accounts; empty in personal mode. */
    public Optional<JobWrapper> accountWrapper() {
        return shared.map(SharedMode::wrapper);
    }

    /** The account start-up checks act as in shared mode. */
    public Optional<String> checkAccount() {
        return shared.map(SharedMode::checkAccount);
    }

    /** The account a session's sandbox belongs to (and its files must belong to). */
    public Function<Session, String> sandboxOwner() {
        if (shared.isPresent()) {
            return Session::account;
        }
        String server = System.getProperty("user.name");
        return session -> server;
    }

    /** The back ends that may be used: in shared mode none that submits every job as the server's account. */
    public Set<BackendName> backends() {
        return Arrays.stream(BackendName.values()).filter(b -> !(shared() && b.submitsAsServer()))
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(BackendName.class)));
    }
}
