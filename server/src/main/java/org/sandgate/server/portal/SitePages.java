package org.sandgate.server.portal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.MultiPart;
import org.eclipse.jetty.http.MultiPartConfig;
import org.eclipse.jetty.http.MultiPartFormData;
import org.sandgate.server.identity.RequestCaller;
import org.sandgate.server.json.StrictJson;
import org.sandgate.server.policy.Policies;

/**
 * The developers' page ({@code /portal/developer}: the deploy directory's files and their problems,
 * upload and removal of a service) and the administrators' ({@code /portal/admin}: drain, reload,
 * bans, every session). Each action is a form with its anti-forgery token that calls the
 * administration API; who may do what is the API's rule (strong-tier DNs of {@code developers} and
 * {@code admins}), the links are only shown to them.
 */
final class SitePages implements PortalHandler.Section {
    private static final String DEVELOPER = "/portal/developer";
    private static final String ADMIN = "/portal/admin";
    private static final Pattern SERVICE_NAME = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*");
    /** The addresses the forms post to. */
    private static final java.util.Set<String> ACTIONS = java.util.Set.of(DEVELOPER + "/upload", DEVELOPER + "/remove",
            ADMIN + "/drain", ADMIN + "/reload", ADMIN + "/ban", ADMIN + "/unban");
    /** Largest upload through the portal (uploads go through the server's request size limit too). */
    private static final long MAX_UPLOAD = 64L * 1024 * 1024;

    private final Pages pages;
    private final ApiClient api;
    private final FormTokens tokens;
    private final Policies policies;

    SitePages(Pages pages, ApiClient api, FormTokens tokens, Policies policies) {
        this.pages = pages;
        this.api = api;
        this.tokens = tokens;
        this.policies = policies;
    }

    @Override
    public Optional<PortalHandler.Page> answer(PortalHandler.Exchange x) {
        String path = x.path();
        boolean developer = path.equals(DEVELOPER) || path.startsWith(DEVELOPER + "/");
        boolean admin = path.equals(ADMIN) || path.startsWith(ADMIN + "/");
        if (!developer && !admin) {
            return Optional.empty();
        }
        if (x.caller().isEmpty()) {
            return Optional.of(pages.refused(x));
        }
        RequestCaller caller = x.caller().get();
        boolean read = HttpMethod.GET.is(x.method()) || HttpMethod.HEAD.is(x.method());
        boolean post = HttpMethod.POST.is(x.method());
        if (path.equals(DEVELOPER)) {
            return Optional.of(read ? developerPage(x, caller, notice(x), null, 200) : pages.notAllowed(x));
        }
        if (path.equals(ADMIN)) {
            return Optional.of(read ? adminPage(x, caller, notice(x), null, 200) : pages.notAllowed(x));
        }
        if (!post) {
            return Optional.of(ACTIONS.contains(path) ? pages.notAllowed(x)
                    : pages.problem(x, 404, "Not found", "There is no page at this address.", null));
        }
        return Optional.of(switch (path) {
            case DEVELOPER + "/upload" -> upload(x, caller);
            case DEVELOPER + "/remove" -> removeService(x, caller);
            case ADMIN + "/drain" -> drain(x, caller);
            case ADMIN + "/reload" -> reload(x, caller);
            case ADMIN + "/ban" -> ban(x, caller);
            case ADMIN + "/unban" -> unban(x, caller);
            default -> pages.problem(x, 404, "Not found", "There is no page at this address.", null);
        });
    }

    /** The fixed notice a redirect after an action asks for. */
    private static String notice(PortalHandler.Exchange x) {
        String query = x.request().getHttpURI().getQuery();
        if (query == null) {
            return null;
        }
        return switch (query) {
            case "done=removed" -> "The service was removed.";
            case "done=drain-on" -> "Drain mode is on: job methods are refused until it is turned off.";
            case "done=drain-off" -> "Drain mode is off.";
            case "done=banned" -> "The DN is banned.";
            case "done=unbanned" -> "The ban was lifted.";
            default -> null;
        };
    }

    private PortalHandler.Page developerPage(PortalHandler.Exchange x, RequestCaller caller, String notice,
                                             String problem, int status) {
        ApiClient.Answer files = api.get(caller, x.base(), "/api/v1/admin/services");
        if (!files.ok()) {
            return pages.apiProblem(x, files);
        }
        return pages.page(x, status, "developer", Map.of("view", new SiteView(notice, problem, rows(files.body()),
                tokens.issue(caller, DEVELOPER + "/upload"), tokens.issue(caller, DEVELOPER + "/remove"), null)));
    }

    private static List<SiteView.FileRow> rows(JsonNode body) {
        List<SiteView.FileRow> rows = new ArrayList<>();
        for (JsonNode f : body.path("files")) {
            List<String> services = new ArrayList<>();
            f.path("services").forEach(s -> services.add(s.asText()));
            rows.add(new SiteView.FileRow(f.path("file").asText(), services,
                    f.path("problem").isNull() ? null : f.path("problem").asText()));
        }
        return rows;
    }

    private PortalHandler.Page adminPage(PortalHandler.Exchange x, RequestCaller caller, String notice, String problem,
                                         int status) {
        ApiClient.Answer drain = api.get(caller, x.base(), "/api/v1/admin/drain");
        if (!drain.ok()) {
            return pages.apiProblem(x, drain);
        }
        List<SiteView.BanRow> bans = new ArrayList<>();
        for (JsonNode b : api.get(caller, x.base(), "/api/v1/admin/bans").body().path("bans")) {
            bans.add(new SiteView.BanRow(b.path("dn").asText(), b.path("reason").asText(""), b.path("by").asText(""),
                    b.path("since").asText("")));
        }
        List<SiteView.SessionRow> sessions = new ArrayList<>();
        for (JsonNode s : api.get(caller, x.base(), "/api/v1/admin/sessions?limit=200").body().path("sessions")) {
            String id = s.path("session").asText();
            sessions.add(new SiteView.SessionRow(id, "/portal/sessions/" + id, s.path("owner").asText(),
                    s.path("service").asText() + "." + s.path("method").asText(), s.path("state").asText(),
                    s.path("exit_code").isIntegralNumber() ? s.path("exit_code").asInt() : null,
                    s.path("created").asText(), SessionPages.readable(s.path("created").asText())));
        }
        SiteView.Tokens forms = new SiteView.Tokens(tokens.issue(caller, ADMIN + "/drain"),
                tokens.issue(caller, ADMIN + "/reload"), tokens.issue(caller, ADMIN + "/ban"),
                tokens.issue(caller, ADMIN + "/unban"));
        return pages.page(x, status, "admin", Map.of("view", new SiteView(notice, problem, List.of(), null, null,
                new SiteView.Admin(drain.body().path("draining").asBoolean(), forms, bans, sessions))));
    }

    private PortalHandler.Page upload(PortalHandler.Exchange x, RequestCaller caller) {
        String type = x.request().getHeaders().get(HttpHeader.CONTENT_TYPE);
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("multipart/form-data")) {
            return pages.forged(x);
        }
        MultiPartFormData.Parts parts;
        try {
            parts = MultiPartFormData.getParts(x.request(), x.request(), type, new MultiPartConfig.Builder()
                    .location(Path.of(System.getProperty("java.io.tmpdir"))).maxParts(10).maxSize(MAX_UPLOAD)
                    .maxPartSize(MAX_UPLOAD).maxMemoryPartSize(MAX_UPLOAD).build());
        } catch (RuntimeException e) {
            return developerPage(x, caller, null, "The upload could not be read: " + e.getMessage(), 400);
        }
        try {
            String token = text(parts.getFirst(FormTokens.FIELD));
            if (!tokens.valid(token, caller, x.path())) {
                return pages.forged(x);
            }
            String name = text(parts.getFirst("name")).strip();
            MultiPart.Part file = parts.getFirst("file");
            byte[] content = file == null ? new byte[0] : bytes(file);
            if (!SERVICE_NAME.matcher(name).matches()) {
                return developerPage(x, caller, null, "The service name must be a dotted lower-case name, "
                        + "such as sleepy or apple.xray.", 400);
            }
            if (content.length == 0) {
                return developerPage(x, caller, null, "Choose the service's file (a jar, or a YAML command service).",
                        400);
            }
            ApiClient.Answer answer = api.call(caller, x.base(), "PUT", "/api/v1/admin/services/" + name,
                    Optional.of(content));
            if (!answer.ok()) {
                return developerPage(x, caller, null, answer.message(), answer.status());
            }
            List<String> services = new ArrayList<>();
            answer.body().path("services").forEach(s -> services.add(s.asText()));
            return developerPage(x, caller, "Deployed " + answer.body().path("file").asText() + ": "
                    + String.join(", ", services) + ".", null, 200);
        } finally {
            parts.close();
        }
    }

    private PortalHandler.Page removeService(PortalHandler.Exchange x, RequestCaller caller) {
        var form = pages.form(x);
        if (!tokens.valid(form.getValue(FormTokens.FIELD), caller, x.path())) {
            return pages.forged(x);
        }
        String name = form.getValue("name");
        if (name == null || !SERVICE_NAME.matcher(name).matches()) {
            return developerPage(x, caller, null, "No such service.", 400);
        }
        ApiClient.Answer answer = api.call(caller, x.base(), "DELETE", "/api/v1/admin/services/" + name,
                Optional.empty());
        return answer.ok() ? PortalHandler.Page.seeOther(DEVELOPER + "?done=removed")
                : developerPage(x, caller, null, answer.message(), answer.status());
    }

    private PortalHandler.Page drain(PortalHandler.Exchange x, RequestCaller caller) {
        var form = pages.form(x);
        if (!tokens.valid(form.getValue(FormTokens.FIELD), caller, x.path())) {
            return pages.forged(x);
        }
        boolean on = "true".equals(form.getValue("draining"));
        ObjectNode body = StrictJson.mapper().createObjectNode().put("draining", on);
        ApiClient.Answer answer = api.call(caller, x.base(), "POST", "/api/v1/admin/drain",
                Optional.of(body.toString().getBytes(StandardCharsets.UTF_8)));
        return answer.ok() ? PortalHandler.Page.seeOther(ADMIN + "?done=" + (on ? "drain-on" : "drain-off"))
                : adminOrRefusal(x, caller, answer);
    }

    private PortalHandler.Page reload(PortalHandler.Exchange x, RequestCaller caller) {
        var form = pages.form(x);
        if (!tokens.valid(form.getValue(FormTokens.FIELD), caller, x.path())) {
            return pages.forged(x);
        }
        ApiClient.Answer answer = api.call(caller, x.base(), "POST", "/api/v1/admin/reload", Optional.empty());
        if (!answer.ok()) {
            return adminOrRefusal(x, caller, answer);
        }
        List<String> restart = new ArrayList<>();
        answer.body().path("restart_needed").forEach(k -> restart.add(k.asText()));
        return adminPage(x, caller, "The configuration, the grid-mapfile and the trust anchors were read again."
                + (restart.isEmpty() ? "" : " These changes need a restart: " + String.join(", ", restart) + "."),
                null, 200);
    }

    private PortalHandler.Page ban(PortalHandler.Exchange x, RequestCaller caller) {
        var form = pages.form(x);
        if (!tokens.valid(form.getValue(FormTokens.FIELD), caller, x.path())) {
            return pages.forged(x);
        }
        ObjectNode body = StrictJson.mapper().createObjectNode();
        body.put("dn", Optional.ofNullable(form.getValue("dn")).orElse("").strip());
        body.put("reason", Optional.ofNullable(form.getValue("reason")).orElse(""));
        ApiClient.Answer answer = api.call(caller, x.base(), "PUT", "/api/v1/admin/bans",
                Optional.of(body.toString().getBytes(StandardCharsets.UTF_8)));
        return answer.ok() ? PortalHandler.Page.seeOther(ADMIN + "?done=banned") : adminOrRefusal(x, caller, answer);
    }

    private PortalHandler.Page unban(PortalHandler.Exchange x, RequestCaller caller) {
        var form = pages.form(x);
        if (!tokens.valid(form.getValue(FormTokens.FIELD), caller, x.path())) {
            return pages.forged(x);
        }
        String dn = Optional.ofNullable(form.getValue("dn")).orElse("");
        ApiClient.Answer answer = api.call(caller, x.base(), "DELETE", "/api/v1/admin/bans?dn="
                + URLEncoder.encode(dn, StandardCharsets.UTF_8), Optional.empty());
        return answer.ok() ? PortalHandler.Page.seeOther(ADMIN + "?done=unbanned") : adminOrRefusal(x, caller, answer);
    }

    /** The admin page with the API's refusal, or the refusal alone for someone who is no admin. */
    private PortalHandler.Page adminOrRefusal(PortalHandler.Exchange x, RequestCaller caller, ApiClient.Answer answer) {
        if (!policies.current().roles().isAdmin(caller.identity())) {
            return pages.apiProblem(x, answer);
        }
        return adminPage(x, caller, null, answer.message(), answer.status());
    }

    private static String text(MultiPart.Part part) {
        return part == null ? "" : part.getContentAsString(StandardCharsets.UTF_8);
    }

    /** The part's bytes as sent (ISO-8859-1 maps each byte to one char and back). */
    private static byte[] bytes(MultiPart.Part part) {
        return part.getContentAsString(StandardCharsets.ISO_8859_1).getBytes(StandardCharsets.ISO_8859_1);
    }
}
