package org.sandgate.server.sessions;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import org.sandgate.batch.BackendException;
import org.sandgate.batch.BackendName;
import org.sandgate.batch.BatchSystem;
import org.sandgate.batch.JobLimits;
import org.sandgate.batch.JobRequest;
import org.sandgate.batch.SubmittedJob;
import org.sandgate.sandbox.Sandboxes;
import org.sandgate.sandbox.Session;
import org.sandgate.sandbox.SessionStore;
import org.sandgate.server.backends.Backends;
import org.sandgate.server.config.SandgateConfig;
import org.sandgate.server.json.StrictJson;
import org.sandgate.service.Tier;

/**
 * A session's job as its back end sees it: the back end a session names, the request that submits
 * its stored job, and the handle of a job submitted already.
 */
final class SessionJobs {
    private static final ObjectMapper JSON = StrictJson.mapper();

    private final SessionStore store;
    private final Sandboxes sandboxes;
    private final Backends backends;
    private final SandgateConfig.Jobs jobs;
    private final boolean runAsAccount;

    /** @param runAsAccount shared mode: jobs run as their session's account */
    SessionJobs(SessionStore store, Sandboxes sandboxes, Backends backends, SandgateConfig.Jobs jobs,
                boolean runAsAccount) {
        this.store = store;
        this.sandboxes = sandboxes;
        this.backends = backends;
        this.jobs = jobs;
        this.runAsAccount = runAsAccount;
    }

    Backends backends() {
        return backends;
    }

    /** The local back end's name as sessions store it. */
    static final String LOCAL = BackendName.LOCAL.wireName();

    /** Whether a session's job runs on the local back end, by the name the session stores. */
    static boolean isLocal(String backend) {
        return BackendName.LOCAL.is(backend);
    }

    static boolean isLocal(BatchSystem backend) {
        return backend.name() == BackendName.LOCAL;
    }

    /** The back end a session's job runs on. */
    BatchSystem backendOf(Session s) {
        return backends.byName(s.backend()).orElseThrow(() -> new BackendException(
                "the back end '" + s.backend() + "' of session " + s.id() + " is no longer configured"));
    }

    /** The job stored with a session. */
    StoredJob storedJob(Session s) throws IOException {
        return JSON.readValue(store.job(s.id())
                .orElseThrow(() -> new IllegalStateException("the session has no stored job")), StoredJob.class);
    }

    static String encode(StoredJob job) throws JsonProcessingException {
        return JSON.writeValueAsString(job);
    }

    /** The request that submits a session's job, under the limits of the session's tier. */
    JobRequest request(Session s, StoredJob job) {
        SandgateConfig.JobLimits l = jobs.limitsOf(s.tier());
        JobLimits limits = new JobLimits(l.processes(), l.fileBytes(), l.openFiles(), l.addressBytes());
        return new JobRequest(s.id().value(), sandboxes.of(s.id()), job.argv(), job.environment(),
                Duration.ofSeconds(job.wallSeconds()), runAs(s), limits);
    }

    /** The handle of a session's submitted job. */
    /** The name a batch system knows a session's job by ({@link JobRequest#batchName()}). */
    String batchName(Session s) {
        return sandboxes.nameOf(s.id());
    }

    SubmittedJob submitted(Session s) {
        return new SubmittedJob(s.backendJobId().orElseThrow(), sandboxes.of(s.id()), runAs(s));
    }

    private Optional<String> runAs(Session s) {
        return runAsAccount ? Optional.of(s.account()) : Optional.empty();
    }
}
