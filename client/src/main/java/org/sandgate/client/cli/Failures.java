package org.sandgate.client.cli;

import java.io.PrintWriter;
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
