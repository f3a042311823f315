package org.sandgate.batch;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * A job a back end accepted, as the server stores it.
 *
 * @param id      the back end's id of the job
 * @param workDir the job's sandbox, where it leaves its exit code
 * @param account the account it runs as in shared mode; empty when it runs as the server's account
 */
public record SubmittedJob(String id, Path workDir, Optional<String> account) {
    public SubmittedJob {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(workDir, "workDir");
        Objects.requireNonNull(account, "account");
    }
}
