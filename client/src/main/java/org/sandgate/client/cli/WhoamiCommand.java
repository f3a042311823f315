package org.sandgate.client.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.sandgate.client.Whoami;
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
            Whoami w = connection.client().whoami();
            out.println("identity: " + w.dn().orElse("(anonymous)"));
            w.issuer().ifPresent(i -> out.println("issuer:   " + i));
            out.println("tier:     " + w.tier() + (w.costLimit() < 0 ? " (no cost ceiling)"
                    : " (calls up to " + w.costLimit() + " CPU-seconds)"));
            out.println("account:  " + w.account().orElse("(none: this identity may not run work here)"));
            if (w.proxy()) {
                out.println("proxy:    yes");
            }
            w.expires().ifPresent(e -> out.println("expires:  " + e));
            return 0;
        });
    }
}
