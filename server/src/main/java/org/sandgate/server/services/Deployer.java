package org.sandgate.server.services;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.sandgate.batch.BackendName;
import org.sandgate.server.files.DataDirectory;
import org.sandgate.server.lifecycle.PeriodicWork;
import org.sandgate.server.services.command.CommandServices;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hot deployment: keeps the deployed services in step with the deploy directory
 * ({@link DeployDirectory}), which it reads when the file system reports a change there and every
 * {@code scanMillis} in any case (polling works on every file system, NFS included). A file that is
 * added or changed is deployed once it has stayed the same for one scan; a removed file's services
 * are withdrawn. A new version replaces the old
 * one atomically: calls already running finish on the old version, which is closed after the last
 * of them. A file that cannot be deployed (not a jar, a class that does not load, a service name
 * taken by another file, a YAML error) is reported, and what that file deployed before stays.
 * Services may also be installed and removed through the API ({@link #install}, {@link #remove}),
 * which checks them before they reach the deploy directory.
 */
public final class Deployer extends AbstractLifeCycle {
    private static final Logger LOG = LoggerFactory.getLogger(Deployer.class);

    private final DeployDirectory directory;
    private final Path deployDir;
    private final Path copies;
    private final PluginLoader plugins;
    private final CommandServices commands;
    private final Set<BackendName> backends;
    private final long scanMillis;
    private final AtomicReference<ServiceRegistry> current =
            new AtomicReference<>(new ServiceRegistry(Map.of(), List.of()));
    private final Map<String, FileState> files = new TreeMap<>();
    private final AtomicLong copyNumber = new AtomicLong();
    private final PeriodicWork work;
    private PeriodicWork.Task scanner;

    /** A file of the deploy directory: what it deploys now, and why not its latest form. */
    private record FileState(List<DeployedService> services, Optional<String> problem) {
    }

    /** What an upload through the API gave: the services deployed, or why not. */
    public record Outcome(String file, List<String> services, Optional<String> problem) {
    }

    /** The state of one file of the deploy directory. */
    public record FileStatus(String file, List<String> services, Optional<String> problem) {
    }

    /**
     * @param deployDir  the deploy directory ({@code conf/services})
     * @param workDir    where private copies of jars are kept ({@code DATA/deployed})
     * @param backends   the back ends a command service may ask for
     * @param scanMillis how often the deploy directory is read
     */
    public Deployer(Path deployDir, Path workDir, PluginLoader plugins, CommandServices commands, Set<BackendName> backends,
                    long scanMillis, PeriodicWork work) {
        this.work = work;
        this.directory = new DeployDirectory(deployDir);
        this.deployDir = deployDir;
        this.copies = workDir;
        this.plugins = plugins;
        this.commands = commands;
        this.backends = Set.copyOf(backends);
        this.scanMillis = scanMillis;
    }

    @Override
    protected void doStart() throws IOException {
        Files.createDirectories(copies);
        Files.setPosixFilePermissions(copies, DataDirectory.PRIVATE_DIRECTORY);
        try (DirectoryStream<Path> old = Files.newDirectoryStream(copies)) {
            for (Path p : old) {
                Files.deleteIfExists(p);
            }
        }
        scan(true);
        PeriodicWork.Task task = work.everyAfterFirstInterval("the deploy directory's scan",
                Duration.ofMillis(scanMillis), this::scanSafely);
        scanner = task;
        // a change reported scans at once, and once more a little later to deploy what stayed the same
        directory.watch(() -> {
            task.runSoon();
            task.runAfter(Duration.ofMillis(Math.min(200, scanMillis)));
        });
    }

    /**
     * Stops watching and scanning, then withdraws every service: each version closes (its jar too)
     * when its last call has ended. Not under the monitor while the scan stops, which a scan waits for.
     */
    @Override
    protected void doStop() throws InterruptedException, IOException {
        directory.close();
        scanner.stop();
        List<DeployedService> withdrawn = new ArrayList<>();
        synchronized (this) {
            files.values().forEach(state -> withdrawn.addAll(state.services()));
            files.clear();
            publish();
        }
        withdrawn.forEach(DeployedService::retire);
    }

    /** The services deployed now. */
    public ServiceRegistry current() {
        return current.get();
    }

    /**
     * The current version of a service, entered for a call: the caller must {@link DeployedService#exit()}
     * it when the call ends.
     */
    public Optional<DeployedService> acquire(String name) {
        while (true) {
            Optional<DeployedService> s = current.get().find(name);
            if (s.isEmpty() || s.get().enter()) {
                return s;
            }
        }
    }

    private void scanSafely() {
        try {
            scan(false);
        } catch (RuntimeException e) {
            LOG.warn("reading the deploy directory {} failed (will retry): {}", deployDir, e.toString());
        }
    }

    /**
     * Reads the deploy directory once and deploys what changed.
     *
     * @param now deploy changed files at once instead of waiting for them to stay the same for one scan
     */
    public synchronized void scan(boolean now) {
        DeployDirectory.Changes changes = directory.scan(now);
        List<DeployedService> retired = new ArrayList<>();
        // removals first: a service moving from one file to another (a jar replaced by YAML) is no conflict
        for (String file : changes.removed()) {
            FileState gone = files.remove(file);
            if (gone != null) {
                retired.addAll(gone.services());
            }
            LOG.info("{} removed from the deploy directory: its services are withdrawn", file);
        }
        for (String file : changes.ready().keySet()) {
            files.put(file, deploy(file, files.get(file), retired));
        }
        if (changes.any()) {
            publish();
        }
        retired.forEach(DeployedService::retire);
    }

    private FileState deploy(String file, FileState before, List<DeployedService> retired) {
        List<DeployedService> previous = before == null ? List.of() : before.services();
        List<DeployedService> loaded;
        try {
            loaded = load(deployDir.resolve(file));
        } catch (RuntimeException | IOException e) {
            String why = e.getMessage() == null ? e.toString() : e.getMessage();
            LOG.warn("{} not deployed: {}{}", file, why, previous.isEmpty() ? "" : " (the previous version stays)");
            return new FileState(previous, Optional.of(why));
        }
        Optional<String> conflict = conflict(file, loaded);
        if (conflict.isPresent()) {
            loaded.forEach(DeployedService::retire);
            LOG.warn("{} not deployed: {}{}", file, conflict.get(), previous.isEmpty() ? "" : " (the previous version stays)");
            return new FileState(previous, conflict);
        }
        retired.addAll(previous);
        for (DeployedService s : loaded) {
            LOG.info("service {} {} from {} ({} methods)", s.name(), previous.isEmpty() ? "deployed" : "redeployed",
                    file, s.methods().size());
        }
        return new FileState(loaded, Optional.empty());
    }

    /** A name one of these services shares with a service another file deploys, or with each other. */
    private Optional<String> conflict(String file, List<DeployedService> loaded) {
        return conflict(Set.of(file), loaded);
    }

    /** As above, ignoring the given files (those about to be replaced). */
    private Optional<String> conflict(Set<String> replaced, List<DeployedService> loaded) {
        Set<String> names = new HashSet<>();
        for (DeployedService s : loaded) {
            if (!names.add(s.name())) {
                return Optional.of("it declares service " + s.name() + " twice");
            }
            for (Map.Entry<String, FileState> other : files.entrySet()) {
                if (!replaced.contains(other.getKey())
                        && other.getValue().services().stream().anyMatch(o -> o.name().equals(s.name()))) {
                    return Optional.of("service " + s.name() + " is already deployed from " + other.getKey());
                }
            }
        }
        return Optional.empty();
    }

    private List<DeployedService> load(Path file) throws IOException {
        String name = file.getFileName().toString();
        if (name.endsWith(".jar")) {
            Path copy = copies.resolve(name.substring(0, name.length() - 4) + "-" + copyNumber.incrementAndGet() + ".jar");
            try {
                Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING);
                Files.setPosixFilePermissions(copy, DataDirectory.PRIVATE_FILE);
            } catch (IOException e) {
                // the file went away or changed while it was copied: no half copy stays behind
                Files.deleteIfExists(copy);
                throw e;
            }
            return plugins.load(copy, file);
        }
        return commandService(file);
    }

    private List<DeployedService> commandService(Path file) throws IOException {
        CommandServices.Loaded loaded = commands.read(file);
        if (loaded.backend().isPresent() && !backends.contains(loaded.backend().get())) {
            throw new IllegalArgumentException("key 'backend': the back end '" + loaded.backend().get()
                    + "' cannot be used here (available: " + new TreeSet<>(backends) + ")");
        }
        return List.of(DeployedService.of(loaded.service(), getClass().getClassLoader(), file,
                loaded.backend(), () -> { }));
    }

    private void publish() {
        Map<String, DeployedService> byName = new HashMap<>();
        List<ServiceRegistry.Problem> problems = new ArrayList<>();
        files.forEach((file, state) -> {
            state.services().forEach(s -> byName.put(s.name(), s));
            state.problem().ifPresent(p -> problems.add(new ServiceRegistry.Problem(file, p)));
        });
        current.set(new ServiceRegistry(byName, problems));
    }

    /** Every file of the deploy directory with what it deploys and its problem. */
    public synchronized List<FileStatus> files() {
        List<FileStatus> out = new ArrayList<>();
        files.forEach((file, state) -> out.add(new FileStatus(file,
                state.services().stream().map(DeployedService::name).toList(), state.problem())));
        return out;
    }

    /**
     * Installs a service uploaded through the API as {@code NAME.jar} (content that starts like a jar)
     * or {@code NAME.yaml}. It is checked first, so a broken upload never reaches the deploy directory
     * and the deployed version stays.
     *
     * @param name the service's name; the file must deploy a service of that name
     */
    public synchronized Outcome install(String name, byte[] content) throws IOException {
        boolean jar = content.length >= 4 && content[0] == 'P' && content[1] == 'K' && content[2] == 3 && content[3] == 4;
        String file = name + (jar ? ".jar" : ".yaml");
        Files.createDirectories(deployDir);
        Path upload = deployDir.resolve("." + file + ".upload-" + UUID.randomUUID());
        try {
            Files.write(upload, content);
            List<DeployedService> trial;
            try {
                trial = jar ? plugins.load(copyOf(upload, name), deployDir.resolve(file)) : commandService(upload);
            } catch (RuntimeException | IOException e) {
                return new Outcome(file, List.of(), Optional.of(e.getMessage() == null ? e.toString() : e.getMessage()));
            }
            List<String> names = trial.stream().map(DeployedService::name).toList();
            trial.forEach(DeployedService::retire);
            if (!names.contains(name)) {
                return new Outcome(file, names, Optional.of("it deploys " + names + ", not a service named " + name));
            }
            Optional<String> conflict = conflict(Set.of(name + ".jar", name + ".yaml", name + ".yml"), trial);
            if (conflict.isPresent()) {
                return new Outcome(file, names, conflict);
            }
            Files.move(upload, deployDir.resolve(file), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            for (String other : List.of(name + ".jar", name + ".yaml", name + ".yml")) {
                if (!other.equals(file)) {
                    Files.deleteIfExists(deployDir.resolve(other));
                }
            }
        } finally {
            Files.deleteIfExists(upload);
        }
        scan(true);
        FileState state = files.get(file);
        if (state == null) {
            return new Outcome(file, List.of(), Optional.of("the file vanished from the deploy directory"));
        }
        return new Outcome(file, state.services().stream().map(DeployedService::name).toList(), state.problem());
    }

    private Path copyOf(Path upload, String name) throws IOException {
        Path copy = copies.resolve(name + "-" + copyNumber.incrementAndGet() + ".jar");
        Files.copy(upload, copy, StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(copy, DataDirectory.PRIVATE_FILE);
        return copy;
    }

    /**
     * Removes the files that deploy service {@code name} ({@code NAME.jar}, {@code NAME.yaml}).
     *
     * @return false when there was none
     */
    public synchronized boolean remove(String name) throws IOException {
        boolean any = false;
        for (String file : List.of(name + ".jar", name + ".yaml", name + ".yml")) {
            any |= Files.deleteIfExists(deployDir.resolve(file));
        }
        if (any) {
            scan(true);
        }
        return any;
    }
}
