package org.sandgate.server.portal;

import java.util.List;

/**
 * A readable page of a sandbox listing (served on both ports by the sandbox handler).
 *
 * @param session  the session id
 * @param path     the directory, relative to the sandbox ({@code ""} for its top)
 * @param call     {@code SERVICE.METHOD}, or null when the viewer may not see the session's status
 * @param state    the session's state, or null likewise
 * @param exitCode its exit code, or null
 * @param entries  the page's entries
 * @param next     the link to the next page, or null
 * @param style    the page's style sheet (allowed by its hash in the page's Content-Security-Policy)
 */
public record ListingView(String session, String path, String call, String state, Integer exitCode,
                          List<Entry> entries, String next, String style) {
    /**
     * One entry.
     *
     * @param name  its name
     * @param href  its link (relative), or null for what is not served (links, devices)
     * @param kind  {@code file}, {@code directory}, {@code link} or {@code other}
     * @param size  the size for reading, or {@code ""} for a directory
     * @param mtime ISO 8601
     * @param mtimeText for reading
     */
    public record Entry(String name, String href, String kind, String size, String mtime, String mtimeText) {
    }
}
