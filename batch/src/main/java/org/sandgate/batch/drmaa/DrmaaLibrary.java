package org.sandgate.batch.drmaa;

import com.sun.jna.Library;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;

/**
 * The part of the DRMAA 1.0 C API (GFD.133 C binding) that Sandgate uses, as JNA maps it. Every
 * function returns a DRMAA error code and writes a message into the {@code err} buffer; {@code size_t}
 * arguments are {@code long} (LP64).
 */
public interface DrmaaLibrary extends Library {
    int SUCCESS = 0;
    int DRM_COMMUNICATION_FAILURE = 2;
    int AUTH_FAILURE = 3;
    int NO_ACTIVE_SESSION = 5;
    int INIT_FAILED = 10;
    int ALREADY_ACTIVE_SESSION = 11;
    int TRY_LATER = 16;
    int DENIED_BY_DRM = 17;
    int INVALID_JOB = 18;
    int EXIT_TIMEOUT = 23;

    int PS_UNDETERMINED = 0x00;
    int PS_RUNNING = 0x20;
    int PS_DONE = 0x30;
    int PS_FAILED = 0x40;

    int CONTROL_TERMINATE = 4;
    /** drmaa_wait timeout: return at once. */
    long TIMEOUT_NO_WAIT = 0;
    /** Size of the message and job id buffers. */
    int BUFFER = 1024;

    int drmaa_init(String contact, byte[] err, long errLen);

    int drmaa_exit(byte[] err, long errLen);

    int drmaa_allocate_job_template(PointerByReference jt, byte[] err, long errLen);

    int drmaa_delete_job_template(Pointer jt, byte[] err, long errLen);

    int drmaa_set_attribute(Pointer jt, String name, String value, byte[] err, long errLen);

    /** JNA ends the array with the NULL the C API expects. */
    int drmaa_set_vector_attribute(Pointer jt, String name, String[] values, byte[] err, long errLen);

    int drmaa_run_job(byte[] jobId, long jobIdLen, Pointer jt, byte[] err, long errLen);

    int drmaa_job_ps(String jobId, IntByReference ps, byte[] err, long errLen);

    int drmaa_control(String jobId, int action, byte[] err, long errLen);

    int drmaa_wait(String jobId, byte[] jobIdOut, long jobIdOutLen, IntByReference stat, NativeLong timeout,
                   PointerByReference rusage, byte[] err, long errLen);

    void drmaa_release_attr_values(Pointer values);

    int drmaa_get_DRM_system(byte[] drm, long drmLen, byte[] err, long errLen);
}
