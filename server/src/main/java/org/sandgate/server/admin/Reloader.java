package org.sandgate.server.admin;

import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyStoreException;
import java.util.List;
import org.sandgate.server.authz.AuthzCallout;
import org.sandgate.server.config.ConfigException;
import org.sandgate.server.config.ConfigLoader;
import org.sandgate.server.config.ConfigPaths;
import org.sandgate.server.config.SandgateConfig;
import org.sandgate.server.gridmap.GridMapFile;
import org.sandgate.server.identity.CertificateAuthenticator;
import org.sandgate.server.policy.Policies;
import org.sandgate.server.tls.TrustAnchors;
import org.sandgate.server.tokens.TokenService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An administrator's reload: reads {@code sandgate.yaml} again and puts its live parts in force (see
 * {@link Policies}), reads the grid-mapfile and the trust anchors again, and forgets cached
 * validations and callout decisions. Connections and sessions are kept. A configuration with
 * problems changes nothing.
 */
public final class Reloader {
    private static final Logger LOG = LoggerFactory.getLogger(Reloader.class);

    /** What a reload did: the changed keys that only a restart puts in force. */
    public record Result(List<String> restartNeeded) {
    }

    private final Path confDir;
    private final Policies policies;
    private final GridMapFile gridmap;
    private final TrustAnchors anchors;
    private final CertificateAuthenticator authenticator;
    private final TokenService tokens;
    private final AuthzCallout callout;

    public Reloader(Path confDir, Policies policies, GridMapFile gridmap, TrustAnchors anchors,
                    CertificateAuthenticator authenticator, TokenService tokens, AuthzCallout callout) {
        this.confDir = confDir;
        this.policies = policies;
        this.gridmap = gridmap;
        this.anchors = anchors;
        this.authenticator = authenticator;
        this.tokens = tokens;
        this.callout = callout;
    }

    /**
     * Reloads.
     *
     * @throws ConfigException when the configuration has problems (nothing was changed)
     */
    public synchronized Result reload() {
        SandgateConfig before = policies.current().config();
        Path file = confDir.resolve("sandgate.yaml");
        // ports given on the command line stay: they cannot change without a restart anyway
        SandgateConfig after = ConfigPaths.absolute(new ConfigLoader().load(file), confDir)
                .withPorts(before.server().httpsPort(), before.server().httpPort());
        try {
            tokens.configure(after.tokens(), confDir);
        } catch (IOException e) {
            throw new ConfigException(file.toString(), List.of("key 'tokens.trusted': " + e.getMessage()));
        }
        List<String> restart = Policies.restartNeeded(before, after);
        policies.replace(after);
        gridmap.reloadNow();
        try {
            anchors.reload();
        } catch (IOException | KeyStoreException e) {
            LOG.warn("trust anchors not reloaded, the previous ones stay: {}", e.getMessage());
        }
        authenticator.forget();
        callout.forget();
        LOG.info("configuration, grid-mapfile and trust anchors reloaded{}",
                restart.isEmpty() ? "" : "; these keys changed and need a restart: " + restart);
        return new Result(restart);
    }
}
