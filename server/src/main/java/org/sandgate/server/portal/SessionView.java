package org.sandgate.server.portal;

import java.util.List;

/**
 * A session's page: its state (followed live), its output and files, and what may be done with it.
 *
 * @param id          the session id
 * @param service     the service
 * @param method      the method
 * @param state       QUEUED, RUNNING, DONE, FAILED or CANCELLED
 * @param terminal    whether the state is final
 * @param exitCode    the job's exit code, or null
 * @param message     why it failed, or null
 * @param created     when it was made (ISO 8601)
 * @param createdText the same for reading
 * @param updated     its last change (ISO 8601)
 * @param updatedText the same for reading
 * @param backend     the back end that runs it
 * @param jobId       the batch system's job id, or null
 * @param cost        the cost of the call
 * @param account     the account it runs as
 * @param files       the sandbox's files
 * @param outputs     the ends of stdout and stderr
 * @param sandboxUrl  the sandbox listing
 * @param eventsUrl   the API's event stream of the session
 * @param liveUrl     the fragment the page fetches at each event
 * @param removeUrl   the page that asks before cancelling or removing
 * @param anonymous   whether it was made without a certificate (its address is then its only key)
 */
public record SessionView(String id, String service, String method, String state, boolean terminal, Integer exitCode,
                          String message, String created, String createdText, String updated, String updatedText,
                          String backend, String jobId, String cost, String account, List<FileRow> files,
                          List<Output> outputs, String sandboxUrl, String eventsUrl, String liveUrl, String removeUrl,
                          boolean anonymous) {
    /** One file of the sandbox. */
    public record FileRow(String path, String href, String size, long bytes, String mtime, String mtimeText) {
    }

    /** The end of stdout or stderr. */
    public record Output(String name, String text, boolean truncated, String size, String href) {
    }
}
