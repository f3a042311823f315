package org.sandgate.server.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.sandgate.server.ListeningPorts;
import org.sandgate.server.SandgateServer;
import org.sandgate.server.config.ConfigLoader;
import org.sandgate.server.config.SandgateConfig;
import org.sandgate.server.systemd.SystemdNotify;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code sandgate-server run}: the container. */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Run the container.")
final class RunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--conf", description = "configuration directory (default: ${DEFAULT-VALUE})", defaultValue = "conf")
    Path conf;

    @Option(names = "--data", description = "data directory: sandboxes, state, logs (default: ${DEFAULT-VALUE})",
            defaultValue = "var")
    Path data;

    @Option(names = "--https-port", description = "HTTPS port (default: server.https_port, 8443)")
    Integer httpsPort;

    @Option(names = "--http-port", description = "plain-HTTP port for sandbox downloads, 0 disables "
            + "(default: server.http_port, 8080)")
    Integer httpPort;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        String refusal = Launch.rootRefusal(Launch.currentUid());
        if (refusal != null) {
            err.println(refusal);
            return Launch.REFUSED;
        }
        // resolved once: jobs run in their sandboxes, not in this working directory
        conf = conf.toAbsolutePath().normalize();
        data = data.toAbsolutePath().normalize();
        SandgateConfig config = Launch.loadConfig(conf, err);
        if (config == null) {
            return Launch.CONFIG_ERROR;
        }
        config = config.withPorts(httpsPort, httpPort);
        List<String> problems = ConfigLoader.check(config);
        problems.forEach(p -> err.println("sandgate-server: " + p.replace("key 'server.", "option --").replace("_", "-")));
        boolean siteUsable = Launch.siteUsable(config, err);
        if (!problems.isEmpty() || !siteUsable) {
            return Launch.CONFIG_ERROR;
        }
        ListeningPorts ports = Launch.bind(config, err);
        if (ports == null) {
            return Launch.CONFIG_ERROR;
        }
        SandgateServer server = Launch.start(conf, data, config, ports, err);
        if (server == null) {
            return Launch.CONFIG_ERROR;
        }
        spec.commandLine().getOut().println("sandgate-server listening on " + server.describeConnectors());
        spec.commandLine().getOut().flush();
        SystemdNotify systemd = SystemdNotify.fromEnvironment();
        ReloadSignal.install(server, systemd);
        systemd.ready("listening on " + server.describeConnectors());
        return Launch.serve(server);
    }
}
