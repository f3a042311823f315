package org.sandgate.client.cli;

import java.io.PrintWriter;
import java.util.Optional;
import java.util.function.Function;
import org.sandgate.client.SandgateException;
import org.sandgate.client.credentials.CredentialException;

/** Turns what goes wrong into one line on standard error and the documented exit code. */
final class Failures {
    private Failures() {
    }

    /** A command body. */
    interface Body {
        int run() throws InterruptedException;
    }

    static int run(PrintWriter err, Body body) {
        return run(err, body, e -> Optional.empty());
    }

    /**
     * As {@link #run(PrintWriter, Body)}; a refusal (401, 403) also says which credential the request was
     * made with, or that it was anonymous and where no credential was found.
     */
    static int run(PrintWriter err, ConnectionOptions connection, Body body) {
        return run(err, body, e -> e.status() == 401 || e.status() == 403
                ? connection.credentialUsed().map(used -> "the request was made " + used) : Optional.empty());
    }

    /**
     * As {@link #run(PrintWriter, ConnectionOptions, Body)} for a command about one session, where a 404 is
     * as likely another identity's session as a missing one: it says which credential asked, too.
     */
    static int runOnSession(PrintWriter err, ConnectionOptions connection, Body body) {
        return run(err, body, e -> e.status() == 401 || e.status() == 403 || e.status() == 404
                ? connection.credentialUsed().map(used -> "the request was made " + used
                        + (e.status() == 404 ? "; a session answers only to the identity that made it" : ""))
                : Optional.empty());
    }

    private static int run(PrintWriter err, Body body, Function<SandgateException, Optional<String>> note) {
        try {
            return body.run();
        } catch (BadArgument e) {
            err.println("sandgate: " + e.getMessage());
            return Main.USAGE;
        } catch (CredentialException e) {
            err.println("sandgate: " + e.getMessage());
            return Main.USAGE;
        } catch (SandgateException e) {
            err.println("sandgate: " + e.getMessage() + (e.status() > 0 ? " (" + e.code() + ", HTTP " + e.status() + ")" : ""));
            note.apply(e).ifPresent(n -> err.println("sandgate: " + n));
            if (e.code().equals("invalid_session")) {
                return Main.USAGE;
            }
            return e.status() == 0 ? Main.UNREACHABLE : Main.REFUSED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("sandgate: interrupted");
            return Main.REFUSED;
        }
    }
}
