package org.sandgate.server.shared;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.sandgate.batch.BackendException;
import org.sandgate.batch.command.AccountSwitch;
import org.sandgate.batch.command.JobWrapper;
import org.sandgate.process.CommandResult;
import org.sandgate.process.Commands;
import org.sandgate.process.ProgramEnvironment;
import org.sandgate.server.config.SandgateConfig;
import org.sandgate.server.files.OpenNode;
import org.sandgate.server.files.SandboxTree;
import org.sandgate.server.errors.ErrorCode;
import org.sandgate.server.errors.Refusal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shared mode: work runs as the mapped accounts through {@code sudo -n -u ACCOUNT} and the job
 * wrapper. Checked at start (the wrapper is safe and sudo lets the server run it), and for each call
 * (the account exists, is not root and not a system account). The sandbox directory gets the modes
 * that let accounts make their sandboxes in it without seeing each other's: {@code 3733}, set-group-id
 * so that every sandbox belongs to the server's group, sticky so that no account removes another's.
 */
public final class SharedMode {
    private static final Logger LOG = LoggerFactory.getLogger(SharedMode.class);
    private static final Map<String, String> ENV = Map.copyOf(ProgramEnvironment.withPath(ProgramEnvironment.SYSTEM_PATH));

    private final AccountSwitch accounts;
    private final Commands commands;
    private final JobWrapper wrapper;
    private final int minUid;
    private final String checkAccount;
    private final Map<String, Integer> uids = new ConcurrentHashMap<>();

    private SharedMode(AccountSwitch accounts, Commands commands, int minUid, String checkAccount) {
        this.accounts = accounts;
        this.commands = commands;
        this.wrapper = new JobWrapper(commands, Optional.of(accounts));
        this.minUid = minUid;
        this.checkAccount = checkAccount;
    }

    /**
     * Checks that shared mode can work and prepares the sandbox directory.
     *
     * @param home the installation (where {@code libexec/sandgate-job-wrapper} is)
     * @throws SharedModeException saying what to fix
     */
    public static SharedMode start(SandgateConfig.Shared config, Path home, Path sandboxRoot) {
        Path wrapper = config.wrapper().isBlank()
                ? home.resolve("libexec").resolve("sandgate-job-wrapper") : Path.of(config.wrapper());
        checkWrapper(wrapper.toAbsolutePath().normalize());
        SharedMode mode = new SharedMode(new AccountSwitch(Path.of(config.sudo()), wrapper.toAbsolutePath().normalize()),
                new Commands(Duration.ofSeconds(30)), config.minUid(), config.checkAccount());
        String account = config.checkAccount();
        CommandResult r;
        try {
            r = mode.asAccount(account, "check", List.of());
        } catch (BackendException e) {
            throw new SharedModeException("shared mode: " + e.getMessage());
        }
        if (!r.succeeded() || !r.stdout().strip().equals("ok")) {
            throw new SharedModeException("shared mode: sudo does not let this account run " + wrapper + " as "
                    + account + " (" + r.complaint() + "); add to sudoers: " + sudoersLine(wrapper));
        }
        mode.prepareSandboxRoot(sandboxRoot);
        LOG.info("shared mode: jobs run as the mapped accounts through {}", wrapper);
        return mode;
    }

    /** The sudoers line the README documents, for this installation. */
    static String sudoersLine(Path wrapper) {
        return System.getProperty("user.name") + " ALL=(%gridusers) NOPASSWD: " + wrapper;
    }

    private static void checkWrapper(Path wrapper) {
        PosixFileAttributes a;
        try {
            a = Files.readAttributes(wrapper, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new SharedModeException("shared mode: the job wrapper " + wrapper + " cannot be read: " + e.getMessage());
        }
        Set<PosixFilePermission> p = a.permissions();
        if (!a.isRegularFile() || !a.owner().getName().equals("root")
                || p.contains(PosixFilePermission.GROUP_WRITE) || p.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new SharedModeException("shared mode: the job wrapper " + wrapper + " must be a file that belongs to "
                    + "root and that nobody else may change (chown root:root; chmod 755)");
        }
    }

    private void prepareSandboxRoot(Path root) {
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new SharedModeException("shared mode: cannot make " + root + ": " + e.getMessage());
        }
        CommandResult r = commands.run(List.of("chmod", "3733", root.toString()), ENV, Path.of("/"), new byte[0]);
        if (!r.succeeded()) {
            throw new SharedModeException("shared mode: cannot set the mode of " + root + ": " + r.complaint());
        }
    }

    /** How the back ends act as an account. */
    public AccountSwitch accountSwitch() {
        return accounts;
    }

    /** The job wrapper, run as the accounts. */
    public JobWrapper wrapper() {
        return wrapper;
    }

    /** The account the start-up checks act as. */
    public String checkAccount() {
        return checkAccount;
    }

    private CommandResult asAccount(String account, String action, List<String> fields) {
        return wrapper.run(Optional.of(account), action, fields, new byte[0], Path.of("/"));
    }

    /**
     * Refuses an account jobs must not run as: unknown, root, or below {@code min_uid}.
     *
     * @throws Refusal 403 not_authorized
     */
    public void verify(String account) {
        Integer known = uids.get(account);
        int uid = known != null ? known : uidOf(account);
        if (known == null && uid >= 0) {
            uids.put(account, uid);
        }
        if (uid < 0) {
            LOG.warn("shared mode: refused account {}: no such account", account);
            throw new Refusal(ErrorCode.NOT_AUTHORIZED, "your account " + account + " does not exist on this site");
        }
        if (uid == 0 || uid < minUid) {
            LOG.warn("shared mode: refused account {}: uid {} is below shared.min_uid {}", account, uid, minUid);
            throw new Refusal(ErrorCode.NOT_AUTHORIZED, "jobs may not run as the system account " + account);
        }
    }

    private int uidOf(String account) {
        CommandResult r = commands.run(List.of("id", "-u", "--", account), ENV, Path.of("/"), new byte[0]);
        String out = r.stdout().strip();
        return r.succeeded() && out.matches("[0-9]{1,10}") ? Integer.parseInt(out) : -1;
    }

    /** Makes a sandbox as its account (see the wrapper's {@code create}). */
    public void createSandbox(Path sandbox, String account) throws IOException {
        CommandResult r = asAccount(account, "create", List.of(sandbox.toString()));
        if (!r.succeeded()) {
            throw new IOException("as " + account + ": " + r.complaint());
        }
    }

    /**
     * Lets the job's account read what the server wrote into its sandbox (the service's input
     * files). Others cannot enter the sandbox, so reading rights for "others" reach only the account.
     * The account owns the sandbox and may rename, link and swap anything in it meanwhile, so the
     * sandbox is walked by descriptor ({@link SandboxTree#walk}: each entry opened from its parent
     * without following a link and without blocking) and each mode is set on the open file itself;
     * only directories and files the server made are changed, and a file with a second hard link is
     * left alone (it could be one of the server's own files elsewhere).
     *
     * @param root the sandbox directory (the server's own)
     * @param name the sandbox's name in it
     * @param account the account the sandbox must belong to
     */
    public void handOver(Path root, String name, String account) throws IOException {
        String me = System.getProperty("user.name");
        Optional<OpenNode> opened;
        try (OpenNode sandboxes = OpenNode.directory(root)) {
            opened = sandboxes.child(name);
        }
        if (opened.isEmpty()) {
            throw new IOException("the sandbox is not a directory of its own");
        }
        try (OpenNode sandbox = opened.get()) {
            if (!sandbox.isDirectory() || !sandbox.attributes().owner().getName().equals(account)) {
                throw new IOException("the sandbox is not a directory of " + account);
            }
            SandboxTree.walk(sandbox, new SandboxTree.Visitor() {
                @Override
                public boolean directory(String relative, OpenNode dir) throws IOException {
                    grant(dir, me);
                    return true;
                }

                @Override
                public boolean file(String relative, OpenNode file) throws IOException {
                    if (file.links() == 1) {
                        grant(file, me);
                    }
                    return true;
                }
            });
        }
    }

    private static void grant(OpenNode node, String me) throws IOException {
        PosixFileAttributes a = node.attributes();
        if (!a.owner().getName().equals(me)) {
            return;
        }
        Set<PosixFilePermission> perms = EnumSet.copyOf(a.permissions());
        perms.add(PosixFilePermission.OTHERS_READ);
        if (a.isDirectory()) {
            perms.add(PosixFilePermission.OTHERS_EXECUTE);
        }
        if (!perms.equals(a.permissions())) {
            node.setPermissions(perms);
        }
    }

    /** Removes a sandbox as its account. */
    public void removeSandbox(Path sandbox, String account) throws IOException {
        CommandResult r = asAccount(account, "remove", List.of(sandbox.toString()));
        if (!r.succeeded()) {
            throw new IOException("as " + account + ": " + r.complaint());
        }
    }
}
