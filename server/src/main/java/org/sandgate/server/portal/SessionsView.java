package org.sandgate.server.portal;

import java.util.List;

/**
 * The caller's sessions, newest first.
 *
 * @param rows      the sessions
 * @param anyActive whether one is queued or running (the list then refreshes itself)
 * @param anonymous whether the caller is anonymous (whose sessions are never listed)
 * @param notice    what was just done, or null
 */
public record SessionsView(List<Row> rows, boolean anyActive, boolean anonymous, String notice) {
    /** One session. */
    public record Row(String id, String href, String call, String state, Integer exitCode, String created,
                      String createdText, String updated, String updatedText) {
    }
}
