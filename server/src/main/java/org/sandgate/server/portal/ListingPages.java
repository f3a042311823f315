package org.sandgate.server.portal;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The HTML form of a sandbox listing: the session's call, state and exit code for viewers who may
 * see them, sizes for people (none for directories), readable times, archive links. It runs no
 * script and loads nothing: its only style is inline, allowed by its hash ({@link #CSP}).
 */
public final class ListingPages {
    private static final String STYLE = "body{font-family:system-ui,sans-serif;margin:1rem;color:#1a1a1a;"
            + "background:#fff;line-height:1.5}table{border-collapse:collapse;width:100%}th,td{text-align:left;"
            + "padding:.3rem .5rem;border-bottom:1px solid #c8c8c8;overflow-wrap:anywhere}td.n,th.n{text-align:right}"
            + "a{color:#0b4f9c}:focus-visible{outline:3px solid #b35900;outline-offset:2px}code{overflow-wrap:anywhere}";

    /** The listing's Content-Security-Policy: nothing but its own inline style. */
    public static final String CSP = "default-src 'none'; style-src '" + hash(STYLE) + "'; base-uri 'none'; "
            + "form-action 'none'; frame-ancestors 'none'";

    private static final Html HTML = new Html();

    private ListingPages() {
    }

    /** One entry as the listing has it. */
    public record Entry(String name, String type, long size, Instant mtime) {
    }

    /**
     * The page.
     *
     * @param call     {@code SERVICE.METHOD} when the viewer may see the session's status
     * @param state    likewise its state
     * @param exitCode likewise its exit code
     * @param next     the {@code after} of the next page
     */
    public static byte[] render(String session, String path, Optional<String> call, Optional<String> state,
                                Optional<Integer> exitCode, List<Entry> entries, Optional<String> next, int limit) {
        List<ListingView.Entry> rows = new ArrayList<>();
        for (Entry e : entries) {
            boolean dir = e.type().equals("directory");
            boolean served = dir || e.type().equals("file");
            rows.add(new ListingView.Entry(e.name() + (dir ? "/" : ""), served ? encode(e.name()) + (dir ? "/" : "")
                    : null, e.type(), dir ? "" : Sizes.human(e.size()), e.mtime().toString(),
                    Pages.READABLE.format(e.mtime())));
        }
        String nextLink = next.map(n -> "?limit=" + limit + "&after=" + encode(n)).orElse(null);
        return HTML.render("listing.jte", Map.of("view", new ListingView(session, path, call.orElse(null),
                state.orElse(null), exitCode.orElse(null), rows, nextLink, STYLE)));
    }

    private static String encode(String name) {
        return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String hash(String style) {
        try {
            return "sha256-" + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
                    .digest(style.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
