package org.sandgate.server.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import org.sandgate.sandbox.Session;
import org.sandgate.sandbox.SessionState;

/**
 * The server's metrics, in the Prometheus client library: requests by HTTP status, sessions by
 * state (counted in the store when scraped), and the duration of finished jobs.
 */
public final class Metrics {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter requests;
    private final Histogram jobDurations;
    private final Counter plainDownloads;
    private final Counter plainBytes;

    /**
     * @param sessionCounts  sessions per state, read at each scrape
     * @param batchCommands  batch-system commands run since start, by program
     */
    public Metrics(Supplier<Map<SessionState, Long>> sessionCounts, Supplier<Map<String, Long>> batchCommands) {
        CounterWithCallback.builder().name("sandgate_batch_commands_total")
                .help("batch-system commands run (sbatch, squeue, qstat ...), by program").labelNames("program")
                .callback(cb -> batchCommands.get().forEach((program, n) -> cb.call(n, program))).register(registry);
        requests = Counter.builder().name("sandgate_http_requests_total")
                .help("HTTP requests answered, by status code").labelNames("code").register(registry);
        plainDownloads = Counter.builder().name("sandgate_sandbox_plain_downloads_total")
                .help("sandbox requests answered on the plain-HTTP port (not audited: no credential there)")
                .register(registry);
        plainBytes = Counter.builder().name("sandgate_sandbox_plain_bytes_total")
                .help("bytes of sandbox files, listings and archives sent on the plain-HTTP port").register(registry);
        jobDurations = Histogram.builder().name("sandgate_job_duration_seconds")
                .help("time from session creation to the end of its job")
                .classicUpperBounds(1, 5, 15, 60, 300, 900, 3600, 4 * 3600, 24 * 3600).register(registry);
        GaugeWithCallback.builder().name("sandgate_sessions").help("sessions stored, by state")
                .labelNames("state").callback(cb -> {
                    Map<SessionState, Long> counts = sessionCounts.get();
                    for (SessionState s : SessionState.values()) {
                        cb.call(counts.getOrDefault(s, 0L), s.name());
                    }
                }).register(registry);
    }

    /** Counts an answered request. */
    public void request(int status) {
        requests.labelValues(Integer.toString(status)).inc();
    }

    /** Counts a sandbox request answered on the plain-HTTP port, and what it sent. */
    public void plainDownload(long bytes) {
        plainDownloads.inc();
        plainBytes.inc(bytes);
    }

    /** Records a session that reached a final state. */
    public void sessionChanged(Session s) {
        if (s.state() == SessionState.DONE || s.state() == SessionState.FAILED) {
            jobDurations.observe(Duration.between(s.created(), s.updated()).toMillis() / 1000.0);
        }
    }

    /** The metrics in the Prometheus text format. */
    public byte[] scrape() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, registry.scrape());
        return out.toByteArray();
    }
}
