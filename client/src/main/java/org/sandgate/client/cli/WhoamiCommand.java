package org.sandgate.client.cli;

import java.io.PrintWriter;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.sandgate.client.SandgateClient;
import org.sandgate.client.Whoami;
import org.sandgate.client.credentials.ProxyKind;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code sandgate whoami}: what the server makes of my credential. */
@Command(name = "whoami", mixinStandardHelpOptions = true,
        description = "Show the identity, tier and account the server sees for your credential.")
final class WhoamiCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection = new ConnectionOptions();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        return Failures.run(err, connection, () -> {
            if (connection.json) {
                out.println(connection.client().whoamiJson().toPrettyString());
                return 0;
            }
            SandgateClient client = connection.client();
            Whoami w = client.whoami();
            out.println("identity: " + w.dn().orElse("(anonymous)"));
            w.issuer().ifPresent(i -> out.println("issuer:   " + i));
            out.println("tier:     " + w.tier() + (w.costLimit() < 0 ? " (no cost ceiling)"
                    : " (calls up to " + w.costLimit() + " CPU-seconds)"));
            out.println("account:  " + w.account().orElse("(none: this identity may not run work here)"));
            if (w.proxy()) {
                out.println("proxy:    " + proxyKind(w, client.certificateChain())
                        + (w.launchRefused().orElse(false) ? " (here it may read, not call services or launch jobs)" : ""));
            }
            w.expires().ifPresent(e -> out.println("expires:  " + e));
            return 0;
        });
    }

    /**
     * The proxy's kind as the server saw it ({@code proxy_type}, {@code proxy_limited},
     * {@code proxy_policy}); what a server leaves out (older ones send no policy, or no type) is read
     * from the chain this client presented, which is the same proxy.
     */
    static String proxyKind(Whoami w, List<X509Certificate> presented) {
        Optional<ProxyKind> local = ProxyKind.of(presented.toArray(new X509Certificate[0]));
        if (w.proxyType().isEmpty()) {
            return local.map(ProxyKind::words).orElse("yes");
        }
        boolean limited = w.proxyLimited().orElse(local.map(ProxyKind::limited).orElse(false));
        boolean independent = w.proxyPolicy().map("independent"::equals)
                .orElseGet(() -> local.filter(k -> k.type().equals(w.proxyType().get())).map(ProxyKind::independent)
                        .orElse(false));
        return new ProxyKind(w.proxyType().get(), limited, independent).words();
    }
}
