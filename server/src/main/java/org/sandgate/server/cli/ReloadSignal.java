package org.sandgate.server.cli;

import org.sandgate.server.SandgateServer;
import org.sandgate.server.config.ConfigException;
import org.sandgate.server.systemd.SystemdNotify;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGHUP reloads, as daemons do (and as the unit's {@code ExecReload} asks): the same reload as
 * {@code POST /api/v1/admin/reload}, on a thread of its own; a configuration with problems changes
 * nothing and is logged. Without this handler SIGHUP would end the JVM.
 */
final class ReloadSignal {
    private static final Logger LOG = LoggerFactory.getLogger(ReloadSignal.class);

    private ReloadSignal() {
    }

    /** Installs the handler for {@code server}, telling systemd when a reload begins and ends. */
    static void install(SandgateServer server, SystemdNotify systemd) {
        Signal.handle(new Signal("HUP"), s -> new Thread(() -> reload(server, systemd), "sandgate-reload").start());
    }

    private static synchronized void reload(SandgateServer server, SystemdNotify systemd) {
        systemd.reloading();
        try {
            server.reload();
        } catch (ConfigException e) {
            LOG.warn("SIGHUP: configuration not reloaded, nothing changed: {}", e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("SIGHUP: reload failed", e);
        } finally {
            systemd.ready("reloaded");
        }
    }
}
