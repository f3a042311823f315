package org.sandgate.server.config;

import java.nio.file.Path;

/**
 * Makes every path of a configuration absolute, once, when it is read: a relative path is relative to
 * the configuration directory, never to the server's working directory, which jobs and child
 * programs do not share (a local job runs in its sandbox).
 *
 * <p>Program and library names without a {@code /} ({@code authz.callout}, {@code shared.sudo},
 * {@code batch.drmaa.library}) are left as they are: they are looked up the way a shell or the
 * dynamic linker looks them up. {@code audit.file} is relative to the data directory, which the
 * server makes absolute itself.
 */
public final class ConfigPaths {
    private ConfigPaths() {
    }

    /**
     * The configuration with its paths resolved against a configuration directory.
     *
     * @param config  the configuration as read
     * @param confDir the configuration directory; made absolute first
     */
    public static SandgateConfig absolute(SandgateConfig config, Path confDir) {
        Path conf = confDir.toAbsolutePath().normalize();
        SandgateConfig.Tls t = config.tls();
        SandgateConfig.Tls tls = new SandgateConfig.Tls(file(conf, t.hostCert()), file(conf, t.hostKey()),
                file(conf, t.trustDir()), t.refreshInterval(), t.crl(), t.namespaces(), t.provider(),
                t.clientIntermediates());
        SandgateConfig.Gridmap gridmap = new SandgateConfig.Gridmap(file(conf, config.gridmap().file()),
                config.gridmap().reloadInterval());
        SandgateConfig.Batch b = config.batch();
        SandgateConfig.Slurm slurm = new SandgateConfig.Slurm(file(conf, b.slurm().binDir()), b.slurm().partition(),
                b.slurm().account(), b.slurm().options());
        SandgateConfig.Pbs pbs = new SandgateConfig.Pbs(file(conf, b.pbs().binDir()), b.pbs().queue(), b.pbs().options());
        SandgateConfig.Drmaa drmaa = new SandgateConfig.Drmaa(program(conf, b.drmaa().library()), b.drmaa().contact(),
                b.drmaa().nativeSpecification());
        SandgateConfig.Batch batch = new SandgateConfig.Batch(b.defaultBackend(), b.services(), b.pollInterval(),
                b.wallFactor(), b.wallGrace(), b.local(), slurm, pbs, drmaa);
        SandgateConfig.Shared s = config.shared();
        SandgateConfig.Shared shared = new SandgateConfig.Shared(file(conf, s.wrapper()), program(conf, s.sudo()),
                s.minUid(), s.checkAccount());
        SandgateConfig.Authz a = config.authz();
        SandgateConfig.Authz authz = new SandgateConfig.Authz(program(conf, a.callout()), a.timeout(),
                a.cacheFor());
        SandgateConfig.Tokens k = config.tokens();
        SandgateConfig.Tokens tokens = new SandgateConfig.Tokens(k.lifetime(), k.maxTier(), k.issuer(),
                k.trusted().stream()
                        .map(i -> new SandgateConfig.TrustedIssuer(i.issuer(), file(conf, i.keys()), i.tier()))
                        .toList());
        return new SandgateConfig(config.mode(), config.anonymous(), config.tiers(), config.sandbox(), batch, shared,
                config.server(), tls, gridmap, config.services(), config.developers(), config.admins(), authz, tokens,
                config.audit(), config.limits(), config.proxies(), config.identity(), config.jobs());
    }

    /** A file or directory; empty stays empty (it means "not set"). */
    private static String file(Path conf, String value) {
        return value.isBlank() ? value : conf.resolve(value).normalize().toString();
    }

    /** A program or library: a bare name is looked up in the search path, anything with a '/' is a path. */
    private static String program(Path conf, String value) {
        return value.contains("/") ? file(conf, value) : value;
    }
}
