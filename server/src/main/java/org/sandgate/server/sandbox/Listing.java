package org.sandgate.server.sandbox;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;
import com.fasterxml.jackson.core.JsonGenerator;
import org.sandgate.server.api.JsonMapping;
import org.sandgate.server.files.OpenNode;

/**
 * One page of a directory listing, in name order: at most {@code limit} entries whose names sort
 * after {@code after}. The directory is read once as a stream of names while only the
 * {@code limit + 1} smallest are kept, so a page costs memory for its own entries whatever the
 * size of the directory; only the entries on the page are looked at (without following links).
 *
 * @param entries the page, in name order
 * @param next    the name to pass as {@code after} for the next page; empty on the last page
 */
record Listing(List<Entry> entries, Optional<String> next) {
    /** Entries per page unless {@code limit} says otherwise. */
    static final int DEFAULT_LIMIT = 1000;
    /** The largest {@code limit}. */
    static final int MAX_LIMIT = 10_000;

    /** One entry; {@code type} is {@code file}, {@code directory}, {@code link} or {@code other}. */
    record Entry(String name, String type, long size, Instant mtime) {
    }

    static Listing page(OpenNode dir, Optional<String> after, int limit) throws IOException {
        try (SecureDirectoryStream<Path> stream = dir.entries()) {
            PriorityQueue<String> smallest = new PriorityQueue<>(Comparator.reverseOrder());
            for (Path p : stream) {
                String name = p.getFileName().toString();
                if (after.isPresent() && name.compareTo(after.get()) <= 0) {
                    continue;
                }
                if (smallest.size() <= limit) {
                    smallest.add(name);
                } else if (name.compareTo(smallest.peek()) < 0) {
                    smallest.poll();
                    smallest.add(name);
                }
            }
            List<String> names = new ArrayList<>(smallest);
            Collections.sort(names);
            Optional<String> next = Optional.empty();
            if (names.size() > limit) {
                names = names.subList(0, limit);
                next = Optional.of(names.get(limit - 1));
            }
            List<Entry> entries = new ArrayList<>(names.size());
            for (String name : names) {
                BasicFileAttributes a;
                try {
                    a = stream.getFileAttributeView(Path.of(name), BasicFileAttributeView.class,
                            LinkOption.NOFOLLOW_LINKS).readAttributes();
                } catch (IOException gone) {
                    continue;
                }
                String type = a.isDirectory() ? "directory" : a.isSymbolicLink() ? "link"
                        : a.isRegularFile() ? "file" : "other";
                entries.add(new Entry(name, type, a.size(), a.lastModifiedTime().toInstant()));
            }
            return new Listing(entries, next);
        }
    }

    /** {@code {session, path, entries: [{name, type, size, mtime}], next}} and a newline, written as it goes. */
    void writeJson(String session, String path, OutputStream out) throws IOException {
        try (JsonGenerator json = JsonMapping.mapper().getFactory().createGenerator(out)) {
            json.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
            json.writeStartObject();
            json.writeStringField("session", session);
            json.writeStringField("path", path);
            json.writeArrayFieldStart("entries");
            for (Entry e : entries) {
                json.writeStartObject();
                json.writeStringField("name", e.name());
                json.writeStringField("type", e.type());
                json.writeNumberField("size", e.size());
                json.writeStringField("mtime", e.mtime().toString());
                json.writeEndObject();
            }
            json.writeEndArray();
            if (next.isPresent()) {
                json.writeStringField("next", next.get());
            } else {
                json.writeNullField("next");
            }
            json.writeEndObject();
        }
        out.write('\n');
    }

    /**
     * A page of HTML (see {@link org.sandgate.server.portal.ListingPages}): every name escaped, sizes
     * and times for reading, and the session's call, state and exit code when the viewer may see them.
     *
     * @param status the session, when the viewer may read its status
     */
    void writeHtml(String session, String path, int limit, Optional<org.sandgate.sandbox.Session> status,
                   OutputStream out) throws IOException {
        out.write(org.sandgate.server.portal.ListingPages.render(session, path,
                status.map(s -> s.service() + "." + s.method()), status.map(s -> s.state().name()),
                status.flatMap(s -> s.exitCode().map(Integer::valueOf)),
                entries.stream().map(e -> new org.sandgate.server.portal.ListingPages.Entry(e.name(), e.type(), e.size(),
                        e.mtime())).toList(), next, limit));
    }
}
