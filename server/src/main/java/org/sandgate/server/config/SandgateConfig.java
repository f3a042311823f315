package org.sandgate.server.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;
import org.sandgate.batch.BackendName;
import org.sandgate.service.Tier;

/**
 * The typed contents of {@code sandgate.yaml}. Every key is optional; the defaults live in the compact
 * constructors of these records, so the file and the defaults are read in one place. Keys marked
 * {@link Live} are put in force by a reload; every other key needs a restart ({@link ConfigKeys}).
 *
 * @param mode      {@code personal} (all work runs as the server's account) or {@code shared}
 * @param anonymous whether requests without a client certificate are accepted (tier anonymous)
 * @param tiers     weak issuers, cost ceilings and account rules per tier
 * @param sandbox   sandbox visibility and retention
 * @param batch     the batch back ends
 * @param shared    how shared mode runs work as the mapped accounts
 * @param server    network settings
 * @param tls       host credential and trust anchors
 * @param gridmap   the grid-mapfile
 * @param services  the deploy directory and how service code is run
 * @param developers DNs that may deploy and remove services over the API and read deploy errors
 * @param admins    DNs that administer the server (and may do what developers may)
 * @param authz     the site's authorization callout
 * @param tokens    bearer tokens: those this server issues and the external issuers it trusts
 * @param audit     the audit log
 * @param limits    fair shares: how many sessions and event streams one caller may hold at once
 * @param proxies   what limited and independent proxies may do
 * @param identity  how subjects whose slash form is ambiguous are treated
 * @param jobs      how local jobs are contained and limited
 */
public record SandgateConfig(
        Mode mode,
        @Live Boolean anonymous,
        @Live Tiers tiers,
        Sandbox sandbox,
        Batch batch,
        Shared shared,
        Server server,
        Tls tls,
        Gridmap gridmap,
        Services services,
        @Live List<String> developers,
        @Live List<String> admins,
        @Live Authz authz,
        @Live Tokens tokens,
        Audit audit,
        @Live Limits limits,
        @Live Proxies proxies,
        @Live IdentityRules identity,
        Jobs jobs) {

    public SandgateConfig {
        mode = Objects.requireNonNullElse(mode, Mode.PERSONAL);
        anonymous = Objects.requireNonNullElse(anonymous, Boolean.TRUE);
        tiers = Objects.requireNonNullElseGet(tiers, Tiers::defaults);
        sandbox = Objects.requireNonNullElseGet(sandbox, Sandbox::defaults);
        batch = Objects.requireNonNullElseGet(batch, Batch::defaults);
        shared = Objects.requireNonNullElseGet(shared, Shared::defaults);
        server = Objects.requireNonNullElseGet(server, Server::defaults);
        tls = Objects.requireNonNullElseGet(tls, Tls::defaults);
        gridmap = Objects.requireNonNullElseGet(gridmap, Gridmap::defaults);
        services = Objects.requireNonNullElseGet(services, Services::defaults);
        developers = List.copyOf(Objects.requireNonNullElse(developers, List.of()));
        admins = List.copyOf(Objects.requireNonNullElse(admins, List.of()));
        authz = Objects.requireNonNullElseGet(authz, Authz::defaults);
        tokens = Objects.requireNonNullElseGet(tokens, Tokens::defaults);
        audit = Objects.requireNonNullElseGet(audit, Audit::defaults);
        limits = Objects.requireNonNullElseGet(limits, Limits::defaults);
        proxies = Objects.requireNonNullElseGet(proxies, Proxies::defaults);
        identity = Objects.requireNonNullElseGet(identity, IdentityRules::defaults);
        jobs = Objects.requireNonNullElseGet(jobs, Jobs::defaults);
    }

    /**
     * What is wrong with this configuration's values (well-typed but out of range, or not fitting
     * together), each {@code key '...': ...}: each record's own problems, then those across records.
     */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        problems.addAll(tiers.problems());
        problems.addAll(sandbox.problems());
        problems.addAll(batch.problems());
        if (mode == Mode.SHARED) {
            if (!AccountRule.ACCOUNT_NAME.matcher(shared.checkAccount()).matches()) {
                problems.add("key 'shared.check_account': shared mode needs an account that sudo lets the server "
                        + "run the job wrapper as; it is tried at start");
            }
            if (batch.named().stream().anyMatch(BackendName::submitsAsServer)) {
                problems.add("key 'batch': the drmaa back end submits as the server's account and cannot be "
                        + "used in shared mode; use slurm or pbs");
            }
        }
        problems.addAll(shared.problems());
        problems.addAll(services.problems());
        for (String key : List.of("developers", "admins")) {
            List<String> dns = key.equals("admins") ? admins : developers;
            for (int i = 0; i < dns.size(); i++) {
                if (dns.get(i) == null || dns.get(i).isBlank()) {
                    problems.add("key '" + key + "[" + i + "]': an empty DN");
                }
            }
        }
        problems.addAll(authz.problems());
        problems.addAll(tokens.problems());
        problems.addAll(audit.problems());
        problems.addAll(jobs.problems());
        problems.addAll(server.problems());
        problems.addAll(limits.problems());
        problems.addAll(tls.problems());
        problems.addAll(gridmap.problems());
        return problems;
    }

    /** The configuration with every key at its default. */
    public static SandgateConfig defaults() {
        return new SandgateConfig(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null);
    }

    /** This configuration with other ports (from the command line); null keeps the configured one. */
    public SandgateConfig withPorts(Integer httpsPort, Integer httpPort) {
        Server s = new Server(server.bind(), httpsPort == null ? server.httpsPort() : httpsPort,
                httpPort == null ? server.httpPort() : httpPort, server.maxRequestBytes());
        return new SandgateConfig(mode, anonymous, tiers, sandbox, batch, shared, s, tls, gridmap, services, developers,
                admins, authz, tokens, audit, limits, proxies, identity, jobs);
    }

    /** Whether anonymous requests are accepted. */
    public boolean anonymousAllowed() {
        return anonymous;
    }

    /** How work runs: as the server's own account, or as the mapped accounts. */
    public enum Mode {
        @JsonProperty("personal") PERSONAL,
        @JsonProperty("shared") SHARED
    }

    /**
     * Graduated security.
     *
     * @param weakIssuers CA subjects (slash or RFC 2253 form) whose end-entity certificates are weak
     * @param limits      cost ceiling of one call in CPU-seconds per tier; -1 means no ceiling
     * @param accounts    how each tier gets its local account
     */
    public record Tiers(
            @JsonProperty("weak_issuers") List<String> weakIssuers,
            TierLimits limits,
            TierAccounts accounts) {
        public Tiers {
            weakIssuers = List.copyOf(Objects.requireNonNullElse(weakIssuers, List.of()));
            limits = Objects.requireNonNullElseGet(limits, TierLimits::defaults);
            accounts = Objects.requireNonNullElseGet(accounts, TierAccounts::defaults);
        }

        /** Every key at its default. */
        public static Tiers defaults() {
            return new Tiers(null, null, null);
        }

        /** What is wrong with these values, each {@code key '...': ...}. */
        public List<String> problems() {
            List<String> problems = new ArrayList<>();
            for (Tier tier : Tier.values()) {
                long limit = limits.of(tier);
                if (limit < -1) {
                    problems.add("key 'tiers.limits." + tier.wireName() + "': " + limit
                            + " is not a ceiling (use a number of CPU-seconds, or -1 for none)");
                }
            }
            accounts.byTier().forEach((tier, rules) -> {
                for (AccountRule rule : rules) {
                    String account = null;
                    if (rule instanceof AccountRule.Fixed f) {
                        account = f.account();
                    } else if (rule instanceof AccountRule.DnPattern p) {
                        account = p.account();
                    }
                    if (account != null && (!AccountRule.ACCOUNT_NAME.matcher(account).matches()
                            || account.equals("root"))) {
                        problems.add("key 'tiers.accounts." + tier.wireName() + "': '" + account
                                + "' is not an allowed account name");
                    }
                }
            });
            for (String issuer : weakIssuers) {
                if (issuer.isBlank()) {
                    problems.add("key 'tiers.weak_issuers': an empty issuer");
                }
            }
            return problems;
        }
    }

    /**
     * Fair shares, per caller by the caller's tier; anonymous callers are told apart by their address.
     * In force at once on reload.
     *
     * @param sessions     sessions one caller may have queued or running (5, 50, 500)
     * @param eventStreams event streams one caller may have open at once (10, 100, 1000)
     */
    public record Limits(PerTier sessions, @JsonProperty("event_streams") PerTier eventStreams) {
        public Limits {
            sessions = PerTier.orDefaults(sessions, 5, 50, 500);
            eventStreams = PerTier.orDefaults(eventStreams, 10, 100, 1000);
        }

        /** Every key at its default. */
        public static Limits defaults() {
            return new Limits(null, null);
        }

        /** What is wrong with these values, each {@code key '...': ...}. */
        public List<String> problems() {
            List<String> problems = new ArrayList<>();
            for (Tier tier : Tier.values()) {
                Checks.atLeast(problems, "limits.sessions." + tier.wireName(), sessions.of(tier), 1);
                Checks.atLeast(problems, "limits.event_streams." + tier.wireName(), eventStreams.of(tier), 1);
            }
            return problems;
        }
    }

    /** A count per tier; a tier left out keeps its default. */
    public record PerTier(Integer anonymous, Integer weak, Integer strong) {
        static PerTier orDefaults(PerTier given, int anonymous, int weak, int strong) {
            PerTier g = given == null ? new PerTier(null, null, null) : given;
            return new PerTier(Objects.requireNonNullElse(g.anonymous, anonymous), Objects.requireNonNullElse(g.weak, weak),
                    Objects.requireNonNullElse(g.strong, strong));
        }

        /** The count of a tier. */
        public int of(Tier tier) {
            return switch (tier) {
                case ANONYMOUS -> anonymous;
                case WEAK -> weak;
                case STRONG -> strong;
            };
        }
    }

    /** Cost ceilings per tier in CPU-seconds; -1 means no ceiling. */
    public record TierLimits(Long anonymous, Long weak, Long strong) {
        public TierLimits {
            anonymous = Objects.requireNonNullElse(anonymous, 60L);
            weak = Objects.requireNonNullElse(weak, 3600L);
            strong = Objects.requireNonNullElse(strong, -1L);
        }

        /** Every key at its default. */
        public static TierLimits defaults() {
            return new TierLimits(null, null, null);
        }

        /** The ceiling of a tier; -1 means none. */
        public long of(Tier tier) {
            return switch (tier) {
                case ANONYMOUS -> anonymous;
                case WEAK -> weak;
                case STRONG -> strong;
            };
        }
    }

    /** Account rules per tier (see {@link AccountRule}). */
    public record TierAccounts(
            List<AccountRule> anonymous, List<AccountRule> weak, List<AccountRule> strong) {
        public TierAccounts {
            anonymous = List.copyOf(Objects.requireNonNullElseGet(
                    anonymous, () -> List.of(new AccountRule.Fixed("nobody"))));
            weak = List.copyOf(Objects.requireNonNullElseGet(weak, () -> List.of(new AccountRule.Gridmap())));
            strong = List.copyOf(Objects.requireNonNullElseGet(strong, () -> List.of(new AccountRule.Gridmap())));
        }

        /** Every key at its default. */
        public static TierAccounts defaults() {
            return new TierAccounts(null, null, null);
        }

        /** The rules of a tier, tried in order. */
        public List<AccountRule> of(Tier tier) {
            return switch (tier) {
                case ANONYMOUS -> anonymous;
                case WEAK -> weak;
                case STRONG -> strong;
            };
        }

        /** All rules of all tiers with the tier they belong to, for validation. */
        public Map<Tier, List<AccountRule>> byTier() {
            return Map.of(Tier.ANONYMOUS, anonymous, Tier.WEAK, weak, Tier.STRONG, strong);
        }
    }

    /**
     * Sandboxes.
     *
     * @param publicUrls    true: a session URL is a capability anyone may read; false: owner only
     * @param retention     how long a finished session's sandbox is kept
     * @param sweepInterval how often the retention sweep runs
     * @param maxArchiveBuilds sandbox archives built at the same time; more are answered 429
     */
    public record Sandbox(@JsonProperty("public") Boolean publicUrls,
                          Duration retention,
                          @JsonProperty("sweep_interval") Duration sweepInterval,
                          @JsonProperty("max_archive_builds") Integer maxArchiveBuilds) {
        public Sandbox {
            publicUrls = Objects.requireNonNullElse(publicUrls, Boolean.TRUE);
            retention = Objects.requireNonNullElse(retention, Duration.ofDays(7));
            sweepInterval = Objects.requireNonNullElse(sweepInterval, Duration.ofHours(1));
            maxArchiveBuilds = Objects.requireNonNullElse(maxArchiveBuilds, 4);
        }

        /** Every key at its default. */
        public static Sandbox defaults() {
            return new Sandbox(null, null, null, null);
        }

        /** What is wrong with these values, each {@code key '...': ...}. */
        public List<String> problems() {
            List<String> problems = new ArrayList<>();
            Checks.atLeast(problems, "sandbox.sweep_interval", sweepInterval, Duration.ofSeconds(1));
            Checks.atLeast(problems, "sandbox.max_archive_builds", maxArchiveBuilds, 1);
            return problems;
        }
    }

    /**
     * Batch back ends.
     *
     * @param defaultBackend the back end of every service that has no entry in {@code services}
     * @param services       back end by service name, for services that do not use the default
     * @param pollInterval   how often Slurm, PBS and DRMAA are asked about live jobs (the local back
     *                       end is followed every half second)
     * @param wallFactor     the wall-clock limit of a job, on every back end, is its cost times this ...
     * @param wallGrace      ... plus this
     * @param local          the embedded back end
     * @param slurm          Slurm
     * @param pbs            PBS (Torque, PBS Pro, Slurm's PBS commands)
     * @param drmaa          any batch system with a DRMAA 1.0 C library
     */
    public record Batch(@JsonProperty("default") BackendName defaultBackend,
                        Map<String, BackendName> services,
                        @JsonProperty("poll_interval") Duration pollInterval,
                        @JsonProperty("wall_factor") Double wallFactor,
                        @JsonProperty("wall_grace") Duration wallGrace,
                        Local local, Slurm slurm, Pbs pbs, Drmaa drmaa) {
        public Batch {
            defaultBackend = Objects.requireNonNullElse(defaultBackend, BackendName.LOCAL);
            services = Map.copyOf(Objects.requireNonNullElse(services, Map.of()));
            pollInterval = Objects.requireNonNullElse(pollInterval, Duration.ofSeconds(2));
            wallFactor = Objects.requireNonNullElse(wallFactor, 2.0);
            wallGrace = Objects.requireNonNullElse(wallGrace, Duration.ofSeconds(60));
            local = Objects.requireNonNullElseGet(local, Local::defaults);
            slurm = Objects.requireNonNullElseGet(slurm, Slurm::defaults);
            pbs = Objects.requireNonNullElseGet(pbs, Pbs::defaults);
            drmaa = Objects.requireNonNullElseGet(drmaa, Drmaa::defaults);
        }

        /** Every key at its default. */
        public static Batch defaults() {
            return new Batch(null, null, null, null, null, null, null, null, null);
        }

        /** What is wrong with these values, each {@code key '...': ...}. */
        public List<String> problems() {
            List<String> problems = new ArrayList<>();
            Checks.atLeast(problems, "batch.poll_interval", pollInterval, Duration.ofMillis(100));
            Checks.atLeast(problems, "batch.local.slots", local.slots(), 1);
            if (!(wallFactor > 0)) {
                problems.add("key 'batch.wall_factor': must be more than 0");
            }
            return problems;
        }

        /** The wall-clock limit of a job of this cost, on any back end: cost × factor + grace. */
        public Duration wallClockOf(double cost) {
            return Duration.ofSeconds((long) Math.ceil(cost * wallFactor)).plus(wallGrace);
        }

        /** The back ends this configuration names, the default first. */
        public Set<BackendName> named() {
            Set<BackendName> named = new LinkedHashSet<>(List.of(defaultBackend));
            named.addAll(services.values());
            return named;
        }
    }

    /**
     * Slurm.
     *
     * @param binDir    where sbatch, squeue and scancel are; empty: the standard PATH
     * @param partition {@code --partition}; empty: the cluster's default
     * @param account   {@code --account} to charge; empty: the user's default
     * @param options   more sbatch options, one argument each (e.g. {@code --qos=grid})
     */
    public record Slurm(@JsonProperty("bin_dir") String binDir, String partition, String account,
                        List<String> options) {
        public Slurm {
            binDir = Objects.requireNonNullElse(binDir, "");
            partition = Objects.requireNonNullElse(partition, "");
            account = Objects.requireNonNullElse(account, "");
            options = List.copyOf(Objects.requireNonNullElse(options, List.of()));
        }

        /** Every key at its default. */
        public static Slurm defaults() {
            return new Slurm(null, null, null, null);
        }
    }

    /**
     * PBS.
     *
     * @param binDir  where qsub, qstat and qdel are; empty: the standard PATH
     * @param queue   {@code -q}; empty: the server's default queue
     * @param options more qsub options, one argument each
     */
    public record Pbs(@JsonProperty("bin_dir") String binDir, String queue, List<String> options) {
        public Pbs {
            binDir = Objects.requireNonNullElse(binDir, "");
            queue = Objects.requireNonNullElse(queue, "");
            options = List.copyOf(Objects.requireNonNullElse(options, List.of()));
        }

        /** Every key at its default. */
        public static Pbs defaults() {
            return new Pbs(null, null, null);
        }
    }

    /**
     * DRMAA 1.0.
     *
     * @param library             the C library; empty: {@code DRMAA_LIBRARY_PATH}
     * @param contact             contact string for drmaa_init; empty: the library's default
     * @param nativeSpecification options for every job; {@code {wall_seconds}} and
     *                            {@code {wall_minutes}} stand for the job's wall-clock limit
     */
    public record Drmaa(String library, String contact,
                        @JsonProperty("native_specification") String nativeSpecification) {
        public Drmaa {
            library = Objects.requireNonNullElse(library, "");
            contact = Objects.requireNonNullElse(contact, "");
            nativeSpecification = Objects.requireNonNullElse(nativeSpecification, "");
        }

        /** Every key at its default. */
        public static Drmaa defaults() {
            return new Drmaa(null, null, null);
        }
    }

    /**
     * Shared mode: how the server runs work as the mapped accounts.
     *
     * @param wrapper      the job wrapper; empty: {@code libexec/sandgate-job-wrapper} of the installation
     * @param sudo         the sudo program
     * @param minUid       accounts with a smaller uid (system accounts) are refused
     * @param checkAccount an account sudo must let the server act as; tried at start
     */
    public record Shared(String wrapper, String sudo, @JsonProperty("min_uid") Integer minUid,
                         @JsonProperty("check_account") String checkAccount) {
        public Shared {
            wrapper = Objects.requireNonNullElse(wrapper, "");
            sudo = Objects.requireNonNullElse(sudo, "/usr/bin/sudo");
            minUid = Objects.requireNonNullElse(minUid, 1000);
            checkAccount = Objects.requireNonNullElse(checkAccount, "");
        }

        /** Every key at its default. */
        public static Shared defaults() {
            return new Shared(null, null, null, null);
        }

        /** What is wrong with these values, each {@code key '...': ...}. */
        public List<String> problems() {
            List<String> problems = new ArrayList<>();
            if (minUid < 1) {
                problems.add("key 'shared.min_uid': must be at least 1 (root is never an account)");
            }
            return problems;
        }
    }

    /**
     * How local jobs (the local back end's, in both modes) and immediate commands are contained, and
     * the resource limits of local jobs.
     *
     * @param containment {@code auto} (bubblewrap where it works, tried at start), {@code bwrap}
     *                    (refuse to start without it) or {@code none}
     * @param readOnly    directories a contained job sees read-only besides the system ones
     * @param limits      limits by tier; keys left out keep the tier's default
     */
    public record Jobs(String containment, @JsonProperty("read_only") List<String> readOnly,
                       Map<String, JobLimits> limits) {
        public Jobs {
            containment = Objects.requireNonNullElse(containment, "auto");
            readOnly = List.copyOf(Objects.requireNonNullElse(readOnly, List.of()));
            limits = Map.copyOf(Objects.requireNonNullElse(limits, Map.of()));
        }

        /** Every key at its default. */
        public static Jobs defaults() {
            return new Jobs(null, null, null);
        }

        /** What is wrong with these values, each {@code key '...': ...}. */
        public List<String> problems() {
            List<String> problems = new ArrayList<>();
            if (!List.of("auto", "bwrap", "none").contains(containment)) {
                problems.add("key 'jobs.containment': '" + containment + "' is not auto, bwrap or none");
            }
            for (String dir : readOnly) {
                if (!dir.startsWith("/")) {
                    problems.add("key 'jobs.read_only': '" + dir + "' is not an absolute path");
                }
            }
            limits.forEach((tier, l) -> {
                if (Tier.fromWireName(tier).isEmpty()) {
                    problems.add("key 'jobs.limits." + tier + "': not a tier (anonymous, weak, strong)");
                } else if (l == null || Stream.of(l.processes(), l.fileBytes(), l.openFiles(), l.addressBytes())
                        .anyMatch(v -> v != null && v < 0)) {
                    problems.add("key 'jobs.limits." + tier + "': limits are 0 (none) or more");
                }
            });
            return problems;
        }

        /** The limits of a tier's jobs: the site's keys over the tier's defaults. */
        public JobLimits limitsOf(Tier tier) {
            JobLimits d = JobLimits.defaults(tier);
            JobLimits site = limits.get(tier.wireName());
            if (site == null) {
                return d;
            }
            return new JobLimits(
                    Objects.requireNonNullElse(site.processes(), d.processes()),
                    Objects.requireNonNullElse(site.fileBytes(), d.fileBytes()),
                    Objects.requireNonNullElse(site.openFiles(), d.openFiles()),
                    Objects.requireNonNullElse(site.addressBytes(), d.addressBytes()));
        }
    }

    /**
     * Resource limits of one local job; 0 is no limit.
     *
     * @param processes    processes and threads at once
     * @param fileBytes    the largest file it may write
     * @param openFiles    open files per process
     * @param addressBytes address space per process
     */
    public record JobLimits(Long processes, @JsonProperty("file_bytes") Long fileBytes,
                            @JsonProperty("open_files") Long openFiles,
                            @JsonProperty("address_bytes") Long addressBytes) {
        private static final long GIB = 1024L * 1024 * 1024;

        /** The defaults of a tier: the weaker the credential, the smaller the job. */
        public static JobLimits defaults(Tier tier) {
            return switch (tier) {
                case ANONYMOUS -> new JobLimits(64L, GIB, 256L, 4 * GIB);
                case WEAK -> new JobLimits(256L, 8 * GIB, 1024L, 8 * GIB);
                case STRONG -> new JobLimits(1024L, 64 * GIB, 4096L, 16 * GIB);
            };
        }
    }

    /**
     * The embedded back end.
     *
     * @param slots jobs run at once; more wait in the queue
     */
    public record Local(Integer slots) {
        public Local {
            slots = Objects.requireNonNullElseGet(slots, () -> Math.max(1, Runtime.getRuntime().availableProcessors()));
        }

        /** Every key at its default. */
        public static Local defaults() {
            return new Local(null);
        }
    }

    /**
     * Network settings; the command line overrides the ports.
     *
     * @param bind              address to listen on
     * @param httpsPort         HTTPS port (0: any free port)
     * @param httpPort          plain-HTTP port for sandbox downloads only (0: disabled; programmatic
     *                          callers may ask for {@link #ANY_FREE_PORT})
     * @param maxRequestBytes   largest request body accepted
     */
    public record Server(String bind,
                         @JsonProperty("https_port") Integer httpsPort,
                         @JsonProperty("http_port") Integer httpPort,
                         @JsonProperty("max_request_bytes") Long maxRequestBytes) {
        /** A plain-HTTP port value that binds any free port; not accepted from YAML. */
        public static final int ANY_FREE_PORT = -1;

        public Server {
            bind = Objects.requireNonNullElse(bind, "0.0.0.0");
            httpsPort = Objects.requireNonNullElse(httpsPort, 8443);
            httpPort = Objects.requireNonNullElse(httpPort, 8080);
            maxRequestBytes = Objects.requireNonNullElse(maxRequestBytes, 1024L * 1024L);
        }

        /** Every key at its default. */
        public static Server defaults() {
            return new Server(null, null, null, null);
        }

        /** What is wrong with these values, each {@code key '...': ...}. */
        public List<String> problems() {
            List<String> problems = new ArrayList<>();
            Checks.port(problems, "server.https_port", httpsPort);
            Checks.port(problems, "server.http_port", httpPort);
            Checks.atLeast(problems, "server.max_request_bytes", maxRequestBytes, 1024);
            return problems;
        }
    }

    /**
     * TLS and trust anchors. Relative paths are resolved against the configuration directory.
     *
     * @param hostCert              server certificate (PEM, may hold the chain)
     * @param hostKey               server key (PEM, unencrypted, PKCS#1 or PKCS#8)
     * @param trustDir              trust anchors in the OpenSSL/IGTF layout
     * @param refreshInterval       how often CA files and CRLs are re-read
     * @param crl                   {@code require}, {@code if_valid} (default) or {@code ignore}
     * @param namespaces            signing-policy/namespaces mode (see the README)
     * @param provider              the TLS implementation: {@code auto} (default), {@code conscrypt} or {@code jdk}
     * @param clientIntermediates   whether CA certificates a client sends along may be intermediates of its
     *                              path ({@code accept}), or only those of the trust directory ({@code refuse}, default)
     */
    public record Tls(@JsonProperty("host_cert") String hostCert,
                      @JsonProperty("host_key") String hostKey,
                      @JsonProperty("trust_dir") String trustDir,
                      @JsonProperty("refresh_interval") Duration refreshInterval,
                      CrlMode crl,
                      NamespaceMode namespaces,
                      TlsProvider provider,
                      @JsonProperty("client_intermediates") ClientIntermediates clientIntermediates) {
        public Tls {
            hostCert = Objects.requireNonNullElse(hostCert, "hostcert.pem");
            hostKey = Objects.requireNonNullElse(hostKey, "hostkey.pem");
            trustDir = Objects.requireNonNullElse(trustDir, "certificates");
            refreshInterval = Objects.requireNonNullElse(refreshInterval, Duration.ofSeconds(30));
            crl = Objects.requireNonNullElse(crl, CrlMode.IF_VALID);
            namespaces = Objects.requireNonNullElse(namespaces, NamespaceMode.EUGRIDPMA_GLOBUS);
            provider = Objects.requireNonNullElse(provider, TlsProvider.AUTO);
            clientIntermediates = Objects.requireNonNullElse(clientIntermediates, ClientIntermediates.REFUSE);
        }

        /** Every key at its default. */
        public static Tls defaults() {
            return new Tls(null, null, null, null, null, null, null, null);
        }

        /** What is wrong with these values, each {@code key '...': ...}. */
        public List<String> problems() {
            List<String> problems = new ArrayList<>();
            Checks.atLeast(problems, "tls.refresh_interval", refreshInterval, Duration.ofSeconds(1));
            return problems;
        }
    }

    /** Whether intermediate CAs may come from the client's chain or only from the trust directory. */
    public enum ClientIntermediates {
        /** Every CA of a validated path must be a certificate of the trust directory (as IGTF distributes them). */
        @JsonProperty("refuse") REFUSE,
        /** CA certificates the client sends may complete the path up to a trusted CA. */
        @JsonProperty("accept") ACCEPT
    }

    /** Which implementation of TLS the HTTPS connector uses. */
    public enum TlsProvider {
        /** Conscrypt when its native library loads on this platform, else the JDK's. */
        @JsonProperty("auto") AUTO,
        /** Conscrypt (BoringSSL); the server does not start when its native library cannot be loaded. */
        @JsonProperty("conscrypt") CONSCRYPT,
        /** The JDK's own (SunJSSE). */
        @JsonProperty("jdk") JDK
    }

    /** When CRLs are required. */
    public enum CrlMode {
        /** Every CA must have a valid CRL; a certificate whose CA has none is refused. */
        @JsonProperty("require") REQUIRE,
        /** A CRL is checked when the CA has a valid one (the grid default). */
        @JsonProperty("if_valid") IF_VALID,
        /** CRLs are not checked. */
        @JsonProperty("ignore") IGNORE
    }

    /** How {@code .signing_policy} and {@code .namespaces} files are honoured. */
    public enum NamespaceMode {
        /** EUGridPMA {@code .namespaces} first, else Globus {@code .signing_policy}; absence is not an error. */
        @JsonProperty("eugridpma_globus") EUGRIDPMA_GLOBUS,
        /** As above, but a CA without any policy file is refused. */
        @JsonProperty("eugridpma_globus_require") EUGRIDPMA_GLOBUS_REQUIRE,
        /** Policy files are not read. */
        @JsonProperty("ignore") IGNORE
    }

    /**
     * @param file           the grid-mapfile (may be absolute, e.g. {@code /etc/grid-security/grid-mapfile})
     * @param reloadInterval how often the file is checked for changes
     */
    public record Gridmap(String file, @JsonProperty("reload_interval") Duration reloadInterval) {
        public Gridmap {
            file = Objects.requireNonNullElse(file, "grid-mapfile");
            reloadInterval = Objects.requireNonNullElse(reloadInterval, Duration.ofSeconds(2));
        }

        /** Every key at its default. */
        public static Gridmap defaults() {
            return new Gridmap(null, null);
        }

        /** What is wrong with these values, each {@code key '...': ...}. */
        public List<String> problems() {
            List<String> problems = new ArrayList<>();
            Checks.atLeast(problems, "gridmap.reload_interval", reloadInterval, Duration.ofSeconds(1));
            return problems;
        }
    }

    /**
     * Services and their deployment.
     *
     * @param scanInterval     how often the deploy directory is checked for changes
     * @param immediateTimeout an immediate method still running after this is cut off
     * @param maxUploadBytes   the largest service uploaded through the API
     */
    public record Services(@JsonProperty("scan_interval") Duration scanInterval,
                           @JsonProperty("immediate_timeout") Duration immediateTimeout,
                           @JsonProperty("max_upload_bytes") Long maxUploadBytes) {
        public Services {
            scanInterval = Objects.requireNonNullElse(scanInterval, Duration.ofMillis(500));
            immediateTimeout = Objects.requireNonNullElse(immediateTimeout, Duration.ofSeconds(30));
            maxUploadBytes = Objects.requireNonNullElse(maxUploadBytes, 64L * 1024 * 1024);
        }

        /** Every key at its default. */
        public static Services defaults() {
            return new Services(null, null, null);
        }

        /** What is wrong with these values, each {@code key '...': ...}. */
        public List<String> problems() {
            List<String> problems = new ArrayList<>();
            Checks.atLeast(problems, "services.scan_interval", scanInterval, Duration.ofMillis(50));
            Checks.atLeast(problems, "services.immediate_timeout", immediateTimeout, Duration.ofSeconds(1));
            Checks.atLeast(problems, "services.max_upload_bytes", maxUploadBytes, 1024);
            return problems;
        }
    }

    /**
     * The authorization callout.
     *
     * @param callout        a program that allows a call by exiting 0 (JSON on its stdin); empty: none
     * @param timeout  a callout still running after this is killed and the call denied
     * @param cacheFor how long a decision is reused for the same DN, service and method (0s: never)
     */
    public record Authz(String callout, Duration timeout, @JsonProperty("cache_for") Duration cacheFor) {
        public Authz {
            callout = Objects.requireNonNullElse(callout, "");
            timeout = Objects.requireNonNullElse(timeout, Duration.ofSeconds(5));
            cacheFor = Objects.requireNonNullElse(cacheFor, Duration.ZERO);
        }

        /** Every key at its default. */
        public static Authz defaults() {
            return new Authz(null, null, null);
        }

        /** What is wrong with these values, each {@code key '...': ...}. */
        public List<String> problems() {
            List<String> problems = new ArrayList<>();
            Checks.atLeast(problems, "authz.timeout", timeout, Duration.ofSeconds(1));
            return problems;
        }
    }

    /**
     * Bearer tokens (JWT).
     *
     * @param lifetime        the longest lifetime of a token this server issues
     * @param maxTier         no token is worth more than this tier
     * @param issuer          the {@code iss} of the tokens this server issues
     * @param trusted         external issuers whose tokens are accepted
     */
    public record Tokens(Duration lifetime,
                         @JsonProperty("max_tier") Tier maxTier, String issuer, List<TrustedIssuer> trusted) {
        public Tokens {
            lifetime = Objects.requireNonNullElse(lifetime, Duration.ofHours(12));
            maxTier = Objects.requireNonNullElse(maxTier, Tier.WEAK);
            issuer = Objects.requireNonNullElse(issuer, "sandgate");
            trusted = List.copyOf(Objects.requireNonNullElse(trusted, List.of()));
        }

        /** Every key at its default. */
        public static Tokens defaults() {
            return new Tokens(null, null, null, null);
        }

        /** What is wrong with these values, each {@code key '...': ...}. */
        public List<String> problems() {
            List<String> problems = new ArrayList<>();
            Checks.atLeast(problems, "tokens.lifetime", lifetime, Duration.ofMinutes(1));
            for (TrustedIssuer t : trusted) {
                if (t.issuer().isBlank() || t.keys().isBlank()) {
                    problems.add("key 'tokens.trusted': every issuer needs 'issuer' and 'keys'");
                }
                if (t.tier() == Tier.ANONYMOUS) {
                    problems.add("key 'tokens.trusted': tier 'anonymous' of " + t.issuer() + " is not weak or strong");
                }
                if (t.issuer().equals(issuer)) {
                    problems.add("key 'tokens.trusted': " + t.issuer() + " is this server's own issuer name");
                }
            }
            return problems;
        }
    }

    /**
     * An external token issuer.
     *
     * @param issuer its {@code iss}
     * @param keys   its public keys: a JWKS file or a PEM file of public keys or certificates
     * @param tier   the tier of its tokens (still capped by {@code tokens.max_tier})
     */
    public record TrustedIssuer(String issuer, String keys, Tier tier) {
        public TrustedIssuer {
            issuer = Objects.requireNonNullElse(issuer, "");
            keys = Objects.requireNonNullElse(keys, "");
            tier = Objects.requireNonNullElse(tier, Tier.WEAK);
        }

        /** Every key at its default. */
        public static TrustedIssuer defaults() {
            return new TrustedIssuer(null, null, null);
        }
    }

    /**
     * The audit log: one JSON line per authorization decision and per session state change.
     *
     * @param file     relative to the data directory
     * @param maxBytes the file is rotated (to .1 ... .9) when it reaches this size
     */
    public record Audit(String file, @JsonProperty("max_bytes") Long maxBytes) {
        public Audit {
            file = Objects.requireNonNullElse(file, "logs/audit.log");
            maxBytes = Objects.requireNonNullElse(maxBytes, 100L * 1024 * 1024);
        }

        /** Every key at its default. */
        public static Audit defaults() {
            return new Audit(null, null);
        }

        /** What is wrong with these values, each {@code key '...': ...}. */
        public List<String> problems() {
            List<String> problems = new ArrayList<>();
            Checks.atLeast(problems, "audit.max_bytes", maxBytes, 4096);
            return problems;
        }
    }

    /**
     * What proxy certificates may do.
     *
     * @param limited     {@code refuse_jobs} (default, as Globus GRAM): a limited proxy authenticates and reads but
     *                    launches nothing; {@code accept}: as a full proxy; {@code refuse}: not accepted at all
     * @param independent {@code refuse} (default) or {@code accept} proxies of the independent policy (RFC 3820)
     */
    public record Proxies(LimitedProxies limited, IndependentProxies independent) {
        public Proxies {
            limited = Objects.requireNonNullElse(limited, LimitedProxies.REFUSE_JOBS);
            independent = Objects.requireNonNullElse(independent, IndependentProxies.REFUSE);
        }

        /** Every key at its default. */
        public static Proxies defaults() {
            return new Proxies(null, null);
        }
    }

    /** What a limited proxy may do. */
    public enum LimitedProxies {
        /** Authenticate and read; no service calls, deployments, administration or tokens. */
        @JsonProperty("refuse_jobs") REFUSE_JOBS,
        /** Everything a full proxy may do. */
        @JsonProperty("accept") ACCEPT,
        /** Nothing: refused at authentication. */
        @JsonProperty("refuse") REFUSE
    }

    /** Whether proxies of the independent policy are accepted. */
    public enum IndependentProxies {
        @JsonProperty("refuse") REFUSE,
        @JsonProperty("accept") ACCEPT
    }

    /**
     * Identity rules.
     *
     * @param ambiguousSubjects {@code refuse} (default): a subject whose slash form is ambiguous gets no account
     *                          ({@code 403 ambiguous_subject}); {@code allow}: it may get one from a fixed account
     *                          rule, never from the grid-mapfile or a DN pattern
     */
    public record IdentityRules(@JsonProperty("ambiguous_subjects") AmbiguousSubjects ambiguousSubjects) {
        public IdentityRules {
            ambiguousSubjects = Objects.requireNonNullElse(ambiguousSubjects, AmbiguousSubjects.REFUSE);
        }

        /** Every key at its default. */
        public static IdentityRules defaults() {
            return new IdentityRules(null);
        }
    }

    /** Whether a subject whose slash form is ambiguous may get an account. */
    public enum AmbiguousSubjects {
        @JsonProperty("refuse") REFUSE,
        @JsonProperty("allow") ALLOW
    }
}
