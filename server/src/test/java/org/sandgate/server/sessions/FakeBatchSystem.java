package org.sandgate.server.sessions;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.sandgate.batch.BackendName;
import org.sandgate.batch.BatchSystem;
import org.sandgate.batch.JobRequest;
import org.sandgate.batch.JobStatus;
import org.sandgate.batch.SubmittedJob;

/**
 * A back end in memory: jobs run until the test ends them, and a cancel can be made to hang (as a
 * {@code scancel} against a slurmctld that does not answer does) until the test lets it go.
 */
final class FakeBatchSystem implements BatchSystem {
    private final BackendName name;
    private final AtomicInteger ids = new AtomicInteger();
    /** Job id by session id, and the status of each job. */
    private final Map<String, String> jobOf = new ConcurrentHashMap<>();
    private final Map<String, JobStatus> status = new ConcurrentHashMap<>();
    final CountDownLatch cancelEntered = new CountDownLatch(1);
    private volatile CountDownLatch cancelHeld = new CountDownLatch(0);

    FakeBatchSystem(BackendName name) {
        this.name = name;
    }

    /** Cancels from now on hang until {@link #letCancelsGo}. */
    void holdCancels() {
        cancelHeld = new CountDownLatch(1);
    }

    void letCancelsGo() {
        cancelHeld.countDown();
    }

    /** Ends the job of a session with an exit code. */
    void end(String sessionId, int code) {
        status.put(jobOf.get(sessionId), JobStatus.ended(code, Optional.empty()));
    }

    @Override
    public BackendName name() {
        return name;
    }

    @Override
    public String submit(JobRequest request) {
        String id = "job-" + ids.incrementAndGet();
        jobOf.put(request.name(), id);
        status.put(id, JobStatus.running());
        return id;
    }

    @Override
    public Map<String, JobStatus> status(Collection<SubmittedJob> jobs) {
        Map<String, JobStatus> out = new HashMap<>();
        for (SubmittedJob j : jobs) {
            out.put(j.id(), status.getOrDefault(j.id(), JobStatus.lost("unknown")));
        }
        return out;
    }

    @Override
    public void cancel(SubmittedJob job) {
        cancelEntered.countDown();
        try {
            cancelHeld.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        status.put(job.id(), JobStatus.ended(143, Optional.of("cancelled")));
    }
}
