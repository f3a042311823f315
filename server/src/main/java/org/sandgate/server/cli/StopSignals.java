package org.sandgate.server.cli;

import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * A normal stop: SIGINT (Ctrl-C) and SIGTERM stop the server cleanly and the process exits 0, not
 * 130 or 143 as it would if the JVM's own handlers ended it. A second signal while stopping ends
 * the process at once with the usual 128 + signal number.
 *
 * <p>{@code sun.misc.Signal} (module {@code jdk.unsupported}) because the JDK has no supported API to
 * handle a signal other than by running shutdown hooks, after which the exit status is fixed.
 */
final class StopSignals {
    private static final Logger LOG = LoggerFactory.getLogger(StopSignals.class);
    private static final String[] SIGNALS = {"INT", "TERM"};

    private final AtomicReference<String> received = new AtomicReference<>();
    private volatile long receivedNanos;

    private StopSignals() {
    }

    /**
     * Installs the handlers.
     *
     * @param stop stops the server; called once, on a thread of its own
     */
    static StopSignals install(Runnable stop) {
        StopSignals signals = new StopSignals();
        for (String name : SIGNALS) {
            Signal.handle(new Signal(name), s -> signals.received(s, stop));
        }
        return signals;
    }

    private void received(Signal signal, Runnable stop) {
        if (!received.compareAndSet(null, "SIG" + signal.getName())) {
            Runtime.getRuntime().halt(128 + signal.getNumber());
        }
        receivedNanos = System.nanoTime();
        Thread stopper = new Thread(stop, "sandgate-stop");
        stopper.start();
    }

    /** The signal that stopped the server ({@code SIGINT}, {@code SIGTERM}), or null. */
    String received() {
        return received.get();
    }

    /** Logs the one line of a normal stop. */
    void logStopped() {
        String signal = received();
        if (signal != null) {
            LOG.info("stopped on {} in {} ms; local jobs keep running and are followed again at the next start",
                    signal, (System.nanoTime() - receivedNanos) / 1_000_000);
        }
    }
}
