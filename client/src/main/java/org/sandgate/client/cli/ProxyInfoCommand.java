package org.sandgate.client.cli;

import com.sun.security.auth.module.UnixSystem;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.sandgate.client.credentials.CredentialException;
import org.sandgate.client.credentials.GridCredentials;
import org.sandgate.client.credentials.ProxyFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sandgate proxy-info}: subject, identity, type and time left of a proxy. Exit 1 when it has expired. */
@Command(name = "proxy-info", mixinStandardHelpOptions = true, description = "Show a proxy certificate.")
final class ProxyInfoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "-file", paramLabel = "FILE", description = "the proxy (default $X509_USER_PROXY or /tmp/x509up_u<uid>)")
    Path file;

    @Option(names = "--json", description = "print JSON")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try {
            Path path = file != null ? file : ProxyFiles.defaultPath(System.getenv(), new UnixSystem().getUid());
            ProxyFiles.Info info = ProxyFiles.read(path);
            long left = info.timeLeft().toSeconds();
            if (json) {
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("subject", info.subject());
                d.put("issuer", info.issuer());
                d.put("identity", info.identity());
                d.put("type", info.type());
                d.put("limited", info.limited());
                d.put("strength", info.bits());
                d.put("path", info.path().toString());
                d.put("expires", info.notAfter().toString());
                d.put("timeleft", left);
                out.println(new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter()
                        .writeValueAsString(d));
            } else {
                out.println("subject  : " + info.subject());
                out.println("issuer   : " + info.issuer());
                out.println("identity : " + info.identity());
                out.println("type     : " + info.type());
                out.println("strength : " + info.bits() + " bits");
                out.println("path     : " + info.path());
                out.println("timeleft : " + hms(info.timeLeft()) + (left == 0 ? " (expired: make a new one with "
                        + GridCredentials.MAKE_A_PROXY + ")" : ""));
            }
            return left > 0 ? 0 : Main.REFUSED;
        } catch (CredentialException e) {
            spec.commandLine().getErr().println("sandgate: " + e.getMessage());
            return Main.USAGE;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String hms(Duration d) {
        long s = d.toSeconds();
        return String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    }
}
