package org.sandgate.server.portal;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpMethod;
import org.sandgate.sandbox.SessionState;
import org.sandgate.server.identity.RequestCaller;

/**
 * The sessions pages: the caller's sessions (newest first, refreshing themselves while one is
 * active), a session's page (its state followed over the API's event stream, the ends of its
 * stdout and stderr, its files and archives), and cancel/remove after a confirmation. Everything a
 * page shows of a session comes from {@code GET /api/v1/sessions/{id}}, so a session the caller may
 * not see is the same {@code 404} page as one that does not exist.
 */
final class SessionPages implements PortalHandler.Section {
    private static final String SESSIONS = "/portal/sessions";
    private static final Pattern ID = Pattern.compile("[0-9a-f]{32}");

    private final Pages pages;
    private final ApiClient api;
    private final FormTokens tokens;
    private final OutputTails tails;

    SessionPages(Pages pages, ApiClient api, FormTokens tokens, OutputTails tails) {
        this.pages = pages;
        this.api = api;
        this.tokens = tokens;
        this.tails = tails;
    }

    @Override
    public Optional<PortalHandler.Page> answer(PortalHandler.Exchange x) {
        String path = x.path();
        if (!path.equals(SESSIONS) && !path.startsWith(SESSIONS + "/")) {
            return Optional.empty();
        }
        if (x.caller().isEmpty()) {
            return Optional.of(pages.refused(x));
        }
        RequestCaller caller = x.caller().get();
        boolean read = HttpMethod.GET.is(x.method()) || HttpMethod.HEAD.is(x.method());
        if (path.equals(SESSIONS) || path.equals(SESSIONS + "/")) {
            return Optional.of(read ? list(x, caller) : pages.notAllowed(x));
        }
        String[] parts = path.substring(SESSIONS.length() + 1).split("/", -1);
        if (!ID.matcher(parts[0]).matches() || parts.length > 2) {
            return Optional.of(notFound(x));
        }
        String id = parts[0];
        String what = parts.length == 2 ? parts[1] : "";
        return Optional.of(switch (what) {
            case "" -> read ? session(x, caller, id, false) : pages.notAllowed(x);
            case "live" -> read ? session(x, caller, id, true) : pages.notAllowed(x);
            case "remove" -> read ? confirmRemoval(x, caller, id)
                    : HttpMethod.POST.is(x.method()) ? remove(x, caller, id) : pages.notAllowed(x);
            default -> notFound(x);
        });
    }

    private PortalHandler.Page notFound(PortalHandler.Exchange x) {
        return pages.problem(x, 404, "Session not found", "There is no session at this address that you may see.",
                "A session is shown only to its owner and to administrators; an anonymous session to whoever has its "
                + "address. Finished sessions are removed after the site's retention period.");
    }

    private PortalHandler.Page list(PortalHandler.Exchange x, RequestCaller caller) {
        ApiClient.Answer answer = api.get(caller, x.base(), "/api/v1/sessions");
        if (!answer.ok()) {
            return pages.apiProblem(x, answer);
        }
        List<SessionsView.Row> rows = new ArrayList<>();
        boolean active = false;
        for (JsonNode s : answer.body().path("sessions")) {
            String id = s.path("session").asText();
            String state = s.path("state").asText();
            active |= !isFinal(state);
            rows.add(new SessionsView.Row(id, SESSIONS + "/" + id, s.path("service").asText() + "."
                    + s.path("method").asText(), state, exitCode(s), s.path("created").asText(),
                    readable(s.path("created").asText()), s.path("updated").asText(),
                    readable(s.path("updated").asText())));
        }
        String query = x.request().getHttpURI().getQuery();
        boolean rowsOnly = query != null && query.contains("fragment=rows");
        String notice = query != null && query.contains("removed=1") ? "The session was removed." : null;
        SessionsView view = new SessionsView(rows, active, caller.identity().dn().isEmpty(), notice);
        return rowsOnly ? pages.fragment(200, "sessionRows", Map.of("view", view))
                : pages.page(x, 200, "sessions", Map.of("view", view));
    }

    private PortalHandler.Page session(PortalHandler.Exchange x, RequestCaller caller, String id, boolean live) {
        ApiClient.Answer answer = api.get(caller, x.base(), "/api/v1/sessions/" + id);
        if (answer.status() == 404) {
            return notFound(x);
        }
        if (!answer.ok()) {
            return pages.apiProblem(x, answer);
        }
        SessionView view = view(answer.body(), id);
        return live ? pages.fragment(200, "sessionLive", Map.of("view", view))
                : pages.page(x, 200, "session", Map.of("view", view));
    }

    private SessionView view(JsonNode s, String id) {
        String state = s.path("state").asText();
        String sandbox = "/sandbox/" + id + "/";
        List<SessionView.FileRow> files = new ArrayList<>();
        for (JsonNode f : s.path("files")) {
            String path = f.path("path").asText();
            files.add(new SessionView.FileRow(path, sandbox + encodePath(path), Sizes.human(f.path("size").asLong()),
                    f.path("size").asLong(), f.path("mtime").asText(), readable(f.path("mtime").asText())));
        }
        List<SessionView.Output> outputs = new ArrayList<>();
        for (String name : List.of("stdout", "stderr")) {
            tails.tail(id, name).ifPresent(t -> outputs.add(new SessionView.Output(name, t.text(), t.truncated(),
                    Sizes.human(t.size()), sandbox + name)));
        }
        return new SessionView(id, s.path("service").asText(), s.path("method").asText(), state,
                isFinal(state), exitCode(s), s.path("message").isNull() ? null : s.path("message").asText(),
                s.path("created").asText(), readable(s.path("created").asText()), s.path("updated").asText(),
                readable(s.path("updated").asText()), s.path("backend").asText(),
                s.path("backend_job_id").isNull() ? null : s.path("backend_job_id").asText(),
                ServicePages.number(s.path("cost").asDouble()), s.path("account").asText(), files, outputs, sandbox,
                "/api/v1/sessions/" + id + "/events", SESSIONS + "/" + id + "/live", SESSIONS + "/" + id + "/remove",
                RequestCaller.ANONYMOUS.equals(s.path("owner").asText()));
    }

    private PortalHandler.Page confirmRemoval(PortalHandler.Exchange x, RequestCaller caller, String id) {
        ApiClient.Answer answer = api.get(caller, x.base(), "/api/v1/sessions/" + id);
        if (answer.status() == 404) {
            return notFound(x);
        }
        if (!answer.ok()) {
            return pages.apiProblem(x, answer);
        }
        boolean active = !isFinal(answer.body().path("state").asText());
        String call = answer.body().path("service").asText() + "." + answer.body().path("method").asText();
        ConfirmView view = new ConfirmView(active
                ? "The job " + call + " is " + answer.body().path("state").asText().toLowerCase()
                + ". Cancel it (its processes are ended) and remove the session with all its files?"
                : "Remove the session of " + call + " with all its files? This cannot be undone.",
                x.path(), tokens.issue(caller, x.path()), active ? "Cancel the job and remove the session"
                : "Remove the session", SESSIONS + "/" + id);
        return pages.page(x, 200, "confirm", Map.of("view", view, "title", active ? "Cancel the job?"
                : "Remove the session?"));
    }

    private PortalHandler.Page remove(PortalHandler.Exchange x, RequestCaller caller, String id) {
        if (!tokens.valid(pages.form(x).getValue(FormTokens.FIELD), caller, x.path())) {
            return pages.forged(x);
        }
        ApiClient.Answer answer = api.call(caller, x.base(), "DELETE", "/api/v1/sessions/" + id, Optional.empty());
        if (answer.status() == 404) {
            return notFound(x);
        }
        if (!answer.ok()) {
            return pages.apiProblem(x, answer);
        }
        return PortalHandler.Page.seeOther(SESSIONS + "?removed=1");
    }

    private static Integer exitCode(JsonNode s) {
        return s.path("exit_code").isIntegralNumber() ? s.path("exit_code").asInt() : null;
    }

    static String readable(String instant) {
        try {
            return Pages.READABLE.format(Instant.parse(instant));
        } catch (RuntimeException e) {
            return instant;
        }
    }

    /** A relative sandbox path as a URL path, each segment percent-encoded. */
    static String encodePath(String path) {
        List<String> segments = new ArrayList<>();
        for (String segment : path.split("/", -1)) {
            segments.add(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return String.join("/", segments);
    }

    /** Whether a state the API answered is final (an unknown one is not). */
    private static boolean isFinal(String state) {
        return Arrays.stream(SessionState.values()).anyMatch(st -> st.terminal() && st.name().equals(state));
    }
}
