package org.sandgate.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * The answer to a service call: an immediate method's result, or the session a job-launching
 * method made.
 *
 * @param result  the result of an immediate method
 * @param session the session of a job-launching method: its id, sandbox URL and state
 */
public record CallResult(Optional<JsonNode> result, Optional<SessionRef> session) {

    /** A new session: id, sandbox URL, status URL and first state. */
    public record SessionRef(String session, String url, String statusUrl, String state) {
    }
}
