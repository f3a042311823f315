package org.sandgate.server.testkit;

import java.net.URI;
import java.nio.file.Path;
import org.sandgate.server.SandgateServer;
import org.sandgate.server.config.ConfigLoader;
import org.sandgate.server.config.SandgateConfig;

/** The real server on ephemeral ports, from a configuration directory; stopped by close(). */
public final class TestServer implements AutoCloseable {
    /** The installation of a checkout: its root, as {@code bin/sandgate-server} names it. */
    public static final Path CHECKOUT = Path.of("..").toAbsolutePath().normalize();
    public final SandgateServer server;

    private TestServer(SandgateServer server) {
        this.server = server;
    }

    /** Starts a server on the configuration in {@code conf}, with extra API components. */
    public static TestServer start(Path conf, Object... extraApi) throws Exception {
        SandgateConfig config = new ConfigLoader().load(conf.resolve("sandgate.yaml"))
                .withPorts(0, SandgateConfig.Server.ANY_FREE_PORT);
        SandgateServer server = SandgateServer.create(CHECKOUT, conf, conf.resolveSibling("var"), config, extraApi);
        server.start();
        return new TestServer(server);
    }

    public URI https(String path) {
        return URI.create("https://localhost:" + server.httpsPort() + path);
    }

    public URI http(String path) {
        return URI.create("http://localhost:" + server.httpPort() + path);
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
