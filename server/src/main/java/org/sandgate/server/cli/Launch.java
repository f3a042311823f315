package org.sandgate.server.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy;
import ch.qos.logback.core.util.FileSize;
import com.sun.security.auth.module.UnixSystem;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.sandgate.server.ListeningPorts;
import org.sandgate.server.SandgateServer;
import org.sandgate.server.config.ConfigException;
import org.sandgate.server.config.ConfigLoader;
import org.sandgate.server.config.ConfigPaths;
import org.sandgate.server.config.SandgateConfig;
import org.sandgate.server.files.DataDirectory;
import org.sandgate.server.files.Posix;
import org.sandgate.server.runmode.RunMode;
import org.sandgate.server.shared.SharedModeException;
import org.sandgate.server.backends.ContainmentException;
import org.sandgate.server.tls.TlsSetupException;
import org.slf4j.LoggerFactory;

/** What {@code run} and {@code demo} share: the start-up checks and starting the server. */
final class Launch {
    /** Exit status when the configuration or the host credential is unusable. */
    static final int CONFIG_ERROR = 2;
    /** Exit status when the server refuses to run as root. */
    static final int REFUSED = 3;

    private Launch() {
    }

    /** The refusal to run as root, or empty when the process is not root. */
    static String rootRefusal(long uid) {
        if (uid != 0) {
            return null;
        }
        return "sandgate-server refuses to run as root: run it as an unprivileged account "
                + "(e.g. useradd --system --create-home sandgate; runuser -u sandgate -- bin/sandgate-server ...)";
    }

    static long currentUid() {
        return new UnixSystem().getUid();
    }

    /**
     * Loads the configuration, its paths made absolute; prints every problem and returns null when it
     * is unusable.
     */
    /**
     * The installation the commands run from, as the launcher {@code bin/sandgate-server} names it
     * ({@code -Dsandgate.home}); empty when the classes run without it (from an IDE, say). The one
     * place that reads it: everything below gets it as a parameter.
     */
    static Optional<Path> home() {
        return Optional.ofNullable(System.getProperty("sandgate.home")).map(Path::of);
    }

    static SandgateConfig loadConfig(Path confDir, PrintWriter err) {
        if (!Files.isDirectory(confDir)) {
            err.println("sandgate-server: configuration directory " + confDir + " does not exist");
            return null;
        }
        Path file = confDir.resolve("sandgate.yaml");
        try {
            return ConfigPaths.absolute(new ConfigLoader().load(file), confDir);
        } catch (ConfigException e) {
            err.println("sandgate-server: configuration " + file + " is not usable:");
            e.problems().forEach(p -> err.println("  " + p));
            return null;
        }
    }

    /**
     * What of the site, beyond the configuration's values, stops a start before anything is touched:
     * a missing trust directory. Each problem is one line that says what to do.
     */
    static List<String> siteProblems(SandgateConfig config) {
        Path trust = Path.of(config.tls().trustDir());
        if (Files.isDirectory(trust)) {
            return List.of();
        }
        return List.of("the trust directory " + trust + " (tls.trust_dir) does not exist: install the CAs there "
                + "(sandgate-server ca install --ca CA_DIR --trust-dir " + trust + ") or point tls.trust_dir at "
                + "one (e.g. /etc/grid-security/certificates)");
    }

    /** Prints the site's problems; true when there are none. */
    static boolean siteUsable(SandgateConfig config, PrintWriter err) {
        List<String> problems = siteProblems(config);
        problems.forEach(p -> err.println("sandgate-server: " + p));
        return problems.isEmpty();
    }

    /**
     * Binds the server's ports, before anything else is touched; prints a one-line reason and returns
     * null when a port cannot be had.
     */
    static ListeningPorts bind(SandgateConfig config, PrintWriter err) {
        try {
            return ListeningPorts.bind(config.server());
        } catch (ListeningPorts.PortUnavailableException e) {
            err.println("sandgate-server: " + e.getMessage());
            return null;
        }
    }

    /**
     * Builds and starts the server on its bound ports; prints a one-line reason, closes the ports and
     * returns null when it cannot start.
     */
    static SandgateServer start(Path confDir, Path dataDir, SandgateConfig config, ListeningPorts ports,
                                PrintWriter err) {
        SandgateServer server = startOn(home().orElse(Path.of(".")), confDir, dataDir, config, ports, err);
        if (server == null) {
            ports.close();
        }
        return server;
    }

    private static SandgateServer startOn(Path home, Path confDir, Path dataDir, SandgateConfig config,
                                          ListeningPorts ports, PrintWriter err) {
        // everything the server makes is its account's alone, whatever umask it was started with;
        // jobs inherit it (the shared-mode wrapper sets the jobs' own)
        int umask = Posix.available() ? Posix.umask(0077) : -1;
        Path log = dataDir.resolve("logs").resolve("sandgate.log");
        try {
            RunMode.createDataDirectory(config, dataDir);
            DataDirectory.privateFile(log);
        } catch (IOException e) {
            err.println("sandgate-server: data directory " + dataDir + " cannot be used: " + e.getMessage());
            return null;
        }
        logTo(log);
        if (umask >= 0) {
            LoggerFactory.getLogger(Launch.class).info("umask 077 (was {})", String.format("%03o", umask));
        }
        try {
            SandgateServer server = SandgateServer.create(ports, home, confDir, dataDir, config);
            server.start();
            return server;
        } catch (TlsSetupException | SharedModeException | ContainmentException e) {
            err.println("sandgate-server: " + e.getMessage());
        } catch (IOException e) {
            // a file or directory of the site: the message says which, a stack trace would not help
            err.println("sandgate-server: cannot start: " + e.getMessage());
        } catch (Exception | LinkageError e) {
            err.println("sandgate-server: cannot start: " + (e.getMessage() == null ? e : e.getMessage()));
            LoggerFactory.getLogger(Launch.class).error("start failed", e);
        }
        return null;
    }

    /**
     * Serves until SIGINT or SIGTERM stops the server.
     *
     * @return the exit status of a normal stop, 0
     */
    static int serve(SandgateServer server) throws InterruptedException {
        StopSignals signals = StopSignals.install(() -> {
            try {
                server.stop();
            } catch (Exception e) {
                LoggerFactory.getLogger(Launch.class).error("stopping failed", e);
            }
        });
        server.join();
        signals.logStopped();
        return 0;
    }

    /** Adds a size-rotated log file beside the console log. */
    private static void logTo(Path file) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%d{ISO8601} %-5level [%thread] %logger{36} - %msg%n");
        encoder.start();
        RollingFileAppender<ILoggingEvent> appender = new RollingFileAppender<>();
        appender.setContext(context);
        appender.setName("file");
        appender.setFile(file.toString());
        SizeAndTimeBasedRollingPolicy<ILoggingEvent> policy = new SizeAndTimeBasedRollingPolicy<>();
        policy.setContext(context);
        policy.setParent(appender);
        policy.setFileNamePattern(file + ".%d{yyyy-MM-dd}.%i.gz");
        policy.setMaxFileSize(FileSize.valueOf("50MB"));
        policy.setMaxHistory(30);
        policy.start();
        appender.setRollingPolicy(policy);
        appender.setEncoder(encoder);
        appender.start();
        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(appender);
    }
}
