package org.sandgate.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.List;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.glassfish.jersey.jetty.JettyHttpContainer;
import org.glassfish.jersey.server.ContainerFactory;
import org.sandgate.sandbox.SandboxNames;
import org.sandgate.sandbox.Sandboxes;
import org.sandgate.sandbox.SqliteSessionStore;
import org.sandgate.server.backends.Backends;
import org.sandgate.server.backends.JobContainment;
import org.sandgate.server.admin.Bans;
import org.sandgate.server.admin.Drain;
import org.sandgate.server.admin.Reloader;
import org.sandgate.server.audit.AuditLog;
import org.sandgate.server.authz.AuthzCallout;
import org.sandgate.server.identity.DistinguishedNames;
import org.sandgate.server.policy.Policies;
import org.sandgate.server.portal.ApiClient;
import org.sandgate.server.portal.PortalHandler;
import org.sandgate.server.tokens.TokenRevocations;
import org.sandgate.server.tokens.TokenService;
import org.sandgate.server.runmode.RunMode;
import org.sandgate.server.api.ApiApplication;
import org.sandgate.server.api.ApiPaths;
import org.sandgate.server.metrics.Metrics;
import org.sandgate.server.metrics.MetricsHandler;
import org.sandgate.server.metrics.RequestCounter;
import org.sandgate.server.files.DataDirectory;
import org.sandgate.server.sandbox.SandboxAccessHandler;
import org.sandgate.server.sandbox.SandboxHandler;
import org.sandgate.server.files.SandboxTree;
import org.sandgate.server.sessions.RetentionSweeper;
import org.sandgate.server.sessions.SessionManager;
import org.sandgate.server.sessions.SessionQuota;
import org.sandgate.server.sessions.Sessions;
import org.sandgate.server.lifecycle.Closer;
import org.sandgate.server.lifecycle.PeriodicWork;
import org.sandgate.server.api.AuthenticationHandler;
import org.sandgate.server.api.RequestAuthenticator;
import org.sandgate.server.api.SessionAccess;
import org.sandgate.server.api.SessionEventsHandler;
import org.sandgate.server.api.WhoamiHandler;
import org.sandgate.server.config.ConfigPaths;
import org.sandgate.server.config.SandgateConfig;
import org.sandgate.server.gridmap.GridMapFile;
import org.sandgate.server.identity.CertificateAuthenticator;
import org.sandgate.server.services.PluginLoader;
import org.sandgate.server.services.Deployer;
import org.sandgate.server.services.ImmediateCalls;
import org.sandgate.server.services.command.CommandServices;
import org.sandgate.process.Commands;
import org.sandgate.server.tls.HostCredential;
import org.sandgate.server.tls.TlsConnectors;
import org.sandgate.server.tls.TrustAnchors;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * The Sandgate container: builds every component from a configuration directory and owns their
 * life cycle. {@link #create} returns an unstarted server, so tests can start it on port 0 and read
 * the bound ports back.
 */
public final class SandgateServer {
    private final Server jetty;
    private final ServerConnector https;
    private final ServerConnector plain;
    private final GridMapFile gridmap;
    private final TrustAnchors anchors;
    private final Deployer services;
    private final Reloader reloader;

    private SandgateServer(Server jetty, ServerConnector https, ServerConnector plain,
                           GridMapFile gridmap, TrustAnchors anchors, Deployer services, Reloader reloader) {
        this.jetty = jetty;
        this.https = https;
        this.plain = plain;
        this.gridmap = gridmap;
        this.anchors = anchors;
        this.services = services;
        this.reloader = reloader;
    }

    /**
     * Builds the server. The host credential is read and checked here, so a bad key fails before
     * anything listens.
     *
     * @param home     the installation the server runs from (where {@code libexec/sandgate-job-wrapper} is)
     * @param confDir  the configuration directory (relative paths in the configuration start here)
     * @param dataDir  the data directory: sandboxes, state, job control files
     * @param config   the configuration
     * @param extraApi further JAX-RS components for the {@code /api} application
     */
    public static SandgateServer create(Path home, Path confDir, Path dataDir, SandgateConfig config,
                                        Object... extraApi) throws IOException {
        return build(null, home, confDir, dataDir, config, extraApi);
    }

    /**
     * Builds the server on sockets bound already, so that a server that cannot listen touches nothing.
     *
     * @param ports    the bound sockets ({@link ListeningPorts#bind} of the same configuration)
     * @param home     the installation the server runs from (where {@code libexec/sandgate-job-wrapper} is)
     * @param confDir  the configuration directory (relative paths in the configuration start here)
     * @param dataDir  the data directory: sandboxes, state, job control files
     * @param config   the configuration
     * @param extraApi further JAX-RS components for the {@code /api} application
     */
    public static SandgateServer create(ListeningPorts ports, Path home, Path confDir, Path dataDir,
                                        SandgateConfig config, Object... extraApi) throws IOException {
        return build(Objects.requireNonNull(ports, "ports"), home, confDir, dataDir, config, extraApi);
    }

    /** Builds the server; {@code ports} null binds the configured ports when it starts. */
    private static SandgateServer build(ListeningPorts ports, Path home, Path confDir, Path dataDir,
                                        SandgateConfig config, Object... extraApi) throws IOException {
        // once, here: jobs and child programs run elsewhere than the server's working directory
        confDir = confDir.toAbsolutePath().normalize();
        dataDir = dataDir.toAbsolutePath().normalize();
        config = ConfigPaths.absolute(config, confDir);
        routeJulToSlf4j();
        SandgateConfig.Tls tls = config.tls();
        HostCredential host = HostCredential.load(confDir.resolve(tls.hostCert()), confDir.resolve(tls.hostKey()));

        QueuedThreadPool threads = new QueuedThreadPool(200, 8);
        threads.setName("sandgate");
        Server jetty = new Server(threads);

        // components start in the order they are added and stop in the reverse order
        PeriodicWork work = new PeriodicWork();
        jetty.addBean(work, true);
        TrustAnchors anchors = new TrustAnchors(confDir.resolve(tls.trustDir()), tls);
        GridMapFile gridmap = new GridMapFile(confDir.resolve(config.gridmap().file()),
                config.gridmap().reloadInterval(), work);
        jetty.addBean(anchors, true);
        jetty.addBean(gridmap, true);

        // the sandbox names' key is read before the run mode secures the data directory: its folder is made private here
        java.nio.file.Files.createDirectories(dataDir.resolve("state"),
                java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
        Sandboxes sandboxes = new Sandboxes(dataDir.resolve("sandboxes"),
                SandboxNames.load(dataDir.resolve("state").resolve("sandbox-names.key")));
        RunMode mode = RunMode.start(config, home, dataDir, sandboxes);
        // SQLite gives its -wal and -shm files the mode of the database file
        DataDirectory.privateFile(dataDir.resolve("state").resolve("sessions.db"));
        JobContainment.Decision containment = JobContainment.decide(config.jobs(),
                List.of(dataDir.toAbsolutePath(), confDir.toAbsolutePath()), mode.accountWrapper(),
                mode.checkAccount()).log();
        Backends backends = Backends.create(config.batch(), dataDir, mode, containment.containment());
        jetty.addBean(new Closer("back ends", backends), true);
        SqliteSessionStore store = new SqliteSessionStore(dataDir.resolve("state").resolve("sessions.db"));
        jetty.addBean(new Closer("session store", store), true);
        Sessions made = Sessions.create(store, sandboxes, mode, backends, config.batch(), config.jobs(),
                Clock.systemUTC(), work, Duration.ofMillis(500));
        SessionManager sessions = made.manager();
        int migrated = sessions.migrateOwnerKeys(DistinguishedNames::canonicalOfSlashForm);
        if (migrated > 0) {
            org.slf4j.LoggerFactory.getLogger(SandgateServer.class).info(
                    "{} sessions stored by an earlier version now have their owner's canonical subject", migrated);
        }
        Metrics metrics = new Metrics(sessions::countByState, backends::commandCounts);
        made.events().subscribe(metrics::sessionChanged);
        AuditLog audit = new AuditLog(dataDir.resolve(config.audit().file()), config.audit().maxBytes(), Clock.systemUTC());
        jetty.addBean(new Closer("audit log", audit), true);
        made.events().subscribe(audit::session);
        jetty.addBean(made.follower(), true);
        jetty.addBean(new RetentionSweeper(sessions, config.sandbox().retention(),
                config.sandbox().sweepInterval(), work), true);
        HttpConfiguration httpConfig = new HttpConfiguration();
        // encoded dot-segments and separators reach the handlers, which refuse them with 404
        // (the sandbox handler) or resolve them canonically (the router), instead of a bare 400
        httpConfig.setUriCompliance(UriCompliance.DEFAULT.with("sandgate",
                UriCompliance.Violation.AMBIGUOUS_PATH_SEGMENT, UriCompliance.Violation.AMBIGUOUS_PATH_SEPARATOR,
                UriCompliance.Violation.AMBIGUOUS_PATH_ENCODING, UriCompliance.Violation.AMBIGUOUS_EMPTY_SEGMENT));
        httpConfig.setSendServerVersion(false);
        httpConfig.setSendXPoweredBy(false);
        HttpConfiguration httpsConfig = new HttpConfiguration(httpConfig);
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        secure.setSniHostCheck(false);
        httpsConfig.addCustomizer(secure);

        String bind = config.server().bind();
        ServerConnector https = TlsConnectors.https(jetty, host, anchors, httpsConfig, tls.provider());
        https.setHost(bind);
        https.setPort(config.server().httpsPort());
        https.setName("https");
        jetty.addConnector(https);

        ServerConnector plain = null;
        int httpPort = config.server().httpPort();
        if (httpPort != 0) {
            plain = new ServerConnector(jetty, new HttpConnectionFactory(httpConfig));
            plain.setHost(bind);
            plain.setPort(httpPort == SandgateConfig.Server.ANY_FREE_PORT ? 0 : httpPort);
            plain.setName("http");
            jetty.addConnector(plain);
        }
        if (ports != null) {
            https.open(ports.https());
            if (plain != null && ports.plain() != null) {
                plain.open(ports.plain());
            }
        }

        Policies policies = new Policies(config, gridmap::current);
        Duration cacheFor = min(Duration.ofSeconds(15), config.tls().refreshInterval());
        CertificateAuthenticator authenticator = new CertificateAuthenticator(anchors, () -> policies.current().tiers(),
                () -> policies.current().config().proxies(), () -> policies.current().config().anonymousAllowed(),
                cacheFor, Clock.systemUTC());
        TokenService tokens = TokenService.create(config.tokens(), dataDir.resolve("state").resolve("token-signing-key.jwk"),
                confDir, Clock.systemUTC(),
                new TokenRevocations(dataDir.resolve("state").resolve("revoked-tokens.json"), Clock.systemUTC()),
                authenticator::stillValid);
        AuthzCallout callout = new AuthzCallout(() -> policies.current().config().authz(), Clock.systemUTC());
        Bans bans = new Bans(dataDir.resolve("state").resolve("bans.json"), Clock.systemUTC());
        Drain drain = new Drain();
        Reloader reloader = new Reloader(confDir, policies, gridmap, anchors, authenticator, tokens, callout);

        SessionAccess access = new SessionAccess(sessions, policies, config.sandbox().publicUrls());
        Deployer services = new Deployer(confDir.resolve("services"), dataDir.resolve("deployed"), new PluginLoader(),
                new CommandServices(new Commands(config.services().immediateTimeout()),
                        containment.containment(), tier -> {
                            SandgateConfig.JobLimits l = policies.current().config().jobs().limitsOf(tier);
                            return new org.sandgate.batch.JobLimits(l.processes(), l.fileBytes(), l.openFiles(),
                                    l.addressBytes());
                        }),
                backends.available(), config.services().scanInterval().toMillis(), work);
        jetty.addBean(services, true);
        ImmediateCalls immediate = new ImmediateCalls();
        jetty.addBean(immediate, true);
        JettyHttpContainer jersey = ContainerFactory.createContainer(JettyHttpContainer.class,
                ApiApplication.create(new ApiApplication.Components(config, policies, services, sessions, sandboxes, tokens,
                        callout, audit, bans, drain, reloader, access, new SessionQuota(sessions, made.events()), immediate), extraApi));
        // Jersey's Jetty container takes the whole request path as the resource path, so it is not put
        // in a context: resources carry the /api prefix themselves (ApiPaths).
        RequestAuthenticator requests = new RequestAuthenticator(authenticator, tokens, policies, bans, audit);
        AuthenticationHandler api = new AuthenticationHandler(requests,
                new WhoamiHandler(policies, new SessionEventsHandler(sessions, made.events(), access, policies, new BlockingHandler(jersey))));

        Routes routes = new Routes()
                .below("/" + ApiPaths.V1 + "/openapi.json", new OpenApiHandler())
                .below("/api", api)
                .below("/sandbox", new BlockingHandler(new SandboxAccessHandler(requests, access, audit, metrics,
                        new SandboxHandler(sessions, sandboxTree(mode, sandboxes), config.sandbox().maxArchiveBuilds()))))
                .below("/health", new HealthHandler(drain))
                .below("/metrics", new BlockingHandler(new MetricsHandler(metrics)));
        Handler portal = new BlockingHandler(PortalHandler.create(requests,
                new ApiClient(jersey::getApplicationHandler), policies, BuildVersion.describe(), sessions,
                sandboxTree(mode, sandboxes)));
        routes.root(portal).below("/portal", portal).below("/assets", portal);

        Handler sizeLimit = new RequestSizeLimits(config.server().maxRequestBytes(), "/" + ApiPaths.V1 + "/admin/services/",
                config.services().maxUploadBytes(), routes);
        jetty.setHandler(new RequestCounter(metrics, new PlainPortGuard(plain, new CrossSiteGuard(new BodyCodings(sizeLimit)))));
        jetty.setErrorHandler(new JsonErrorHandler());
        jetty.setStopAtShutdown(true);
        jetty.setStopTimeout(5000);
        return new SandgateServer(jetty, https, plain, gridmap, anchors, services, reloader);
    }

    /** Sandbox files as downloads read them: a sandbox must belong to the account its jobs run as. */
    private static SandboxTree sandboxTree(RunMode mode, Sandboxes sandboxes) {
        return new SandboxTree(sandboxes.root(), sandboxes::nameOf, mode.sandboxOwner());
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** Jersey and HK2 log through java.util.logging; send it to the server's log. */
    private static synchronized void routeJulToSlf4j() {
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
    }

    /**
     * The administrator's reload, as {@code POST /api/v1/admin/reload} does it: configuration,
     * grid-mapfile and trust anchors read again.
     *
     * @throws org.sandgate.server.config.ConfigException when the configuration has problems (nothing changed)
     */
    public Reloader.Result reload() {
        return reloader.reload();
    }

    /** Starts every component, then the connectors. */
    public void start() throws Exception {
        jetty.start();
    }

    /** Stops the connectors, then the components. */
    public void stop() throws Exception {
        jetty.stop();
    }

    /** Blocks until the server stops. */
    public void join() throws InterruptedException {
        jetty.join();
    }

    /** The bound HTTPS port (after start). */
    public int httpsPort() {
        return https.getLocalPort();
    }

    /** The bound plain-HTTP port, or -1 when it is disabled. */
    public int httpPort() {
        return plain == null ? -1 : plain.getLocalPort();
    }

    /** The grid-mapfile component. */
    public GridMapFile gridmap() {
        return gridmap;
    }

    /** The deployed services. */
    public Deployer services() {
        return services;
    }

    /** The trust-anchor component. */
    public TrustAnchors trustAnchors() {
        return anchors;
    }

    /**
     * How Jetty may run the handlers: {@code NON_BLOCKING} when every handler that can block sits
     * behind a {@link BlockingHandler}, so that requests are handled where they were read.
     */
    public org.eclipse.jetty.util.thread.Invocable.InvocationType requestHandling() {
        return jetty.getInvocationType();
    }

    /** Names of the connectors, for logs. */
    public List<String> describeConnectors() {
        return plain == null ? List.of("https:" + httpsPort()) : List.of("https:" + httpsPort(), "http:" + httpPort());
    }
}
