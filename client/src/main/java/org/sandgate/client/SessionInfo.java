package org.sandgate.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Optional;

/**
 * A session as {@code GET /api/v1/sessions/{id}} describes it.
 *
 * @param session  the id
 * @param service  the dotted service name
 * @param method   the method
 * @param state    QUEUED, RUNNING, DONE, FAILED or CANCELLED
 * @param exitCode the job's exit code once it ended
 * @param message  why it failed, when not by its exit code
 * @param url      the sandbox URL
 * @param files    the sandbox's files, when the server lists them
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SessionInfo(
        @JsonProperty("session") String session,
        @JsonProperty("service") String service,
        @JsonProperty("method") String method,
        @JsonProperty("state") String state,
        @JsonProperty("exit_code") Optional<Integer> exitCode,
        @JsonProperty("message") Optional<String> message,
        @JsonProperty("url") String url,
        @JsonProperty("files") List<FileInfo> files) {

    /** Whether the state is final. */
    public boolean finished() {
        return isFinal(state);
    }

    /** Whether a session state the server sends is final: {@code DONE}, {@code FAILED} or {@code CANCELLED}. */
    public static boolean isFinal(String state) {
        return state.equals("DONE") || state.equals("FAILED") || state.equals("CANCELLED");
    }

    /** One file of a sandbox. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record FileInfo(@JsonProperty("path") String path, @JsonProperty("size") long size,
                           @JsonProperty("mtime") String mtime) {
    }
}
