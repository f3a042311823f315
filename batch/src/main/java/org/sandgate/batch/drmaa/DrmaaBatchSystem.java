package org.sandgate.batch.drmaa;

import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.sandgate.batch.BackendException;
import org.sandgate.batch.BackendName;
import org.sandgate.batch.BatchSystem;
import org.sandgate.batch.JobFiles;
import org.sandgate.batch.JobRequest;
import org.sandgate.batch.JobStatus;
import org.sandgate.batch.SubmittedJob;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DRMAA 1.0 through its C library, loaded with JNA from the path in {@code DRMAA_LIBRARY_PATH} (or
 * the configuration), as python-drmaa does: the same code drives Grid Engine, slurm-drmaa and
 * pbs-drmaa. The DRMAA session is opened on first use and opened again after the library reports it
 * lost, so a batch system that was down is picked up again by itself. Calls into the library are
 * serialised: DRMAA implementations do not promise thread safety.
 */
public final class DrmaaBatchSystem implements BatchSystem, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DrmaaBatchSystem.class);

    private final DrmaaSettings settings;
    private DrmaaLibrary library;
    private boolean open;

    public DrmaaBatchSystem(DrmaaSettings settings) {
        this.settings = settings;
    }

    @Override
    public BackendName name() {
        return BackendName.DRMAA;
    }

    /** The batch system behind the library, e.g. {@code SGE 8.1.9}; opens the session. */
    public synchronized String drmSystem() {
        DrmaaLibrary lib = session();
        byte[] drm = new byte[DrmaaLibrary.BUFFER];
        byte[] err = new byte[DrmaaLibrary.BUFFER];
        check(lib.drmaa_get_DRM_system(drm, drm.length, err, err.length), err, "drmaa_get_DRM_system");
        return Native.toString(drm);
    }

    private DrmaaLibrary session() {
        if (library == null) {
            Path path = settings.resolvedLibrary().orElseThrow(() -> new BackendException(
                    "no DRMAA library: set DRMAA_LIBRARY_PATH or batch.drmaa.library"));
            if (!Files.isReadable(path)) {
                throw new BackendException("the DRMAA library " + path + " does not exist or cannot be read");
            }
            try {
                library = Native.load(path.toString(), DrmaaLibrary.class);
            } catch (UnsatisfiedLinkError e) {
                String why = e.getMessage() == null ? e.toString() : e.getMessage();
                if (why.contains("static TLS")) {
                    throw new BackendException("cannot load " + path + ": " + why + " (start the server with "
                            + "GLIBC_TUNABLES=glibc.rtld.optional_static_tls=4096, or LD_PRELOAD the library)", e);
                }
                throw new BackendException("cannot load the DRMAA library " + path + ": " + why, e);
            }
        }
        if (!open) {
            byte[] err = new byte[DrmaaLibrary.BUFFER];
            int rc;
            try {
                rc = library.drmaa_init(settings.contact().orElse(null), err, err.length);
            } catch (UnsatisfiedLinkError e) {
                throw new BackendException(settings.resolvedLibrary().orElseThrow()
                        + " is not a DRMAA 1.0 library: " + e.getMessage(), e);
            }
            if (rc != DrmaaLibrary.SUCCESS && rc != DrmaaLibrary.ALREADY_ACTIVE_SESSION) {
                throw failure(rc, err, "drmaa_init");
            }
            open = true;
            LOG.info("DRMAA session opened with {}", settings.resolvedLibrary().orElseThrow());
        }
        return library;
    }

    @Override
    public synchronized String submit(JobRequest request) {
        JobFiles.prepare(request);
        DrmaaLibrary lib = session();
        byte[] err = new byte[DrmaaLibrary.BUFFER];
        PointerByReference ref = new PointerByReference();
        check(lib.drmaa_allocate_job_template(ref, err, err.length), err, "drmaa_allocate_job_template");
        Pointer jt = ref.getValue();
        try {
            Path dir = request.workDir();
            set(lib, jt, "drmaa_remote_command", "/bin/bash");
            check(lib.drmaa_set_vector_attribute(jt, "drmaa_v_argv",
                    new String[] {dir.resolve(JobFiles.DIR).resolve(JobFiles.SCRIPT_FILE).toString()}, err, err.length),
                    err, "drmaa_v_argv");
            set(lib, jt, "drmaa_wd", dir.toString());
            set(lib, jt, "drmaa_job_name", request.batchName().substring(0, Math.min(15, request.batchName().length())));
            set(lib, jt, "drmaa_output_path", ":" + dir.resolve("stdout"));
            set(lib, jt, "drmaa_error_path", ":" + dir.resolve("stderr"));
            String[] env = JobFiles.submitEnvironment(request).entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).toArray(String[]::new);
            check(lib.drmaa_set_vector_attribute(jt, "drmaa_v_env", env, err, err.length), err, "drmaa_v_env");
            long seconds = Math.max(1, request.wallTime().toSeconds());
            String nativeSpec = settings.nativeSpecification()
                    .replace("{wall_seconds}", Long.toString(seconds))
                    .replace("{wall_minutes}", Long.toString((seconds + 59) / 60));
            if (!nativeSpec.isBlank()) {
                set(lib, jt, "drmaa_native_specification", nativeSpec);
            }
            byte[] id = new byte[DrmaaLibrary.BUFFER];
            check(lib.drmaa_run_job(id, id.length, jt, err, err.length), err, "drmaa_run_job");
            String jobId = Native.toString(id);
            LOG.info("session {}: DRMAA job {}", request.name(), jobId);
            return jobId;
        } finally {
            lib.drmaa_delete_job_template(jt, err, err.length);
        }
    }

    private void set(DrmaaLibrary lib, Pointer jt, String name, String value) {
        byte[] err = new byte[DrmaaLibrary.BUFFER];
        check(lib.drmaa_set_attribute(jt, name, value, err, err.length), err, name);
    }

    @Override
    public synchronized Map<String, JobStatus> status(Collection<SubmittedJob> jobs) {
        Map<String, JobStatus> out = new HashMap<>();
        if (jobs.isEmpty()) {
            return out;
        }
        DrmaaLibrary lib = session();
        for (SubmittedJob job : jobs) {
            out.put(job.id(), statusOf(lib, job));
        }
        return out;
    }

    private JobStatus statusOf(DrmaaLibrary lib, SubmittedJob job) {
        Optional<Integer> code = JobFiles.exitCode(job.workDir());
        byte[] err = new byte[DrmaaLibrary.BUFFER];
        IntByReference ps = new IntByReference();
        int rc = lib.drmaa_job_ps(job.id(), ps, err, err.length);
        if (rc == DrmaaLibrary.INVALID_JOB) {
            return code.map(c -> JobStatus.ended(c, Optional.empty())).orElseGet(() -> JobStatus.lost(
                    "the batch system no longer knows job " + job.id() + " and it recorded no exit code"));
        }
        check(rc, err, "drmaa_job_ps");
        int state = ps.getValue();
        if (state == DrmaaLibrary.PS_DONE || state == DrmaaLibrary.PS_FAILED) {
            reap(lib, job.id());
            if (code.isPresent()) {
                return JobStatus.ended(code.get(), Optional.empty());
            }
            return JobStatus.endedWithoutCode(state == DrmaaLibrary.PS_DONE
                    ? "the job ended without recording an exit code"
                    : "the batch system reports the job failed (killed, cancelled or never started)");
        }
        if (code.isPresent()) {
            return JobStatus.ended(code.get(), Optional.empty());
        }
        if (state >= DrmaaLibrary.PS_RUNNING && state < DrmaaLibrary.PS_DONE) {
            return JobStatus.running();
        }
        return JobStatus.queued();
    }

    /** Collects a finished job's accounting record, which the library keeps until it is waited for. */
    private static void reap(DrmaaLibrary lib, String jobId) {
        byte[] err = new byte[DrmaaLibrary.BUFFER];
        byte[] out = new byte[DrmaaLibrary.BUFFER];
        PointerByReference rusage = new PointerByReference();
        int rc = lib.drmaa_wait(jobId, out, out.length, new IntByReference(),
                new NativeLong(DrmaaLibrary.TIMEOUT_NO_WAIT), rusage, err, err.length);
        if (rc == DrmaaLibrary.SUCCESS && rusage.getValue() != null) {
            lib.drmaa_release_attr_values(rusage.getValue());
        }
    }

    @Override
    public synchronized void cancel(SubmittedJob job) {
        DrmaaLibrary lib = session();
        byte[] err = new byte[DrmaaLibrary.BUFFER];
        int rc = lib.drmaa_control(job.id(), DrmaaLibrary.CONTROL_TERMINATE, err, err.length);
        if (rc != DrmaaLibrary.SUCCESS && rc != DrmaaLibrary.INVALID_JOB) {
            throw failure(rc, err, "drmaa_control");
        }
        LOG.info("DRMAA job {} cancelled", job.id());
    }

    @Override
    public synchronized void close() {
        if (open) {
            byte[] err = new byte[DrmaaLibrary.BUFFER];
            library.drmaa_exit(err, err.length);
            open = false;
        }
    }

    private void check(int rc, byte[] err, String call) {
        if (rc != DrmaaLibrary.SUCCESS) {
            throw failure(rc, err, call);
        }
    }

    /** The error as an exception; a lost session or connection is opened again on the next call. */
    private BackendException failure(int rc, byte[] err, String call) {
        if (rc == DrmaaLibrary.DRM_COMMUNICATION_FAILURE || rc == DrmaaLibrary.NO_ACTIVE_SESSION) {
            open = false;
        }
        String message = Native.toString(err).strip();
        String kind = switch (rc) {
            case DrmaaLibrary.DRM_COMMUNICATION_FAILURE -> "the batch system cannot be reached";
            case DrmaaLibrary.AUTH_FAILURE -> "the batch system refused our credentials";
            case DrmaaLibrary.INIT_FAILED -> "the DRMAA session could not be opened";
            case DrmaaLibrary.TRY_LATER -> "the batch system is busy, try later";
            case DrmaaLibrary.DENIED_BY_DRM -> "the batch system refused the job";
            case DrmaaLibrary.NO_ACTIVE_SESSION -> "the DRMAA session was lost";
            case DrmaaLibrary.INVALID_JOB -> "no such job";
            default -> "DRMAA error " + rc;
        };
        return new BackendException(kind + " (" + call + (message.isEmpty() ? "" : ": " + message) + ")");
    }
}
