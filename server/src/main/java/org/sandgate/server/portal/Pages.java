package org.sandgate.server.portal;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.HttpMethod;
import org.sandgate.server.api.RequestAuthenticator;
import org.sandgate.server.identity.RequestCaller;
import org.sandgate.server.api.WhoamiHandler;
import org.sandgate.server.policy.Policies;
import org.sandgate.service.Tier;

/**
 * What each page of the portal shows, by path: the start page, who am I, and (in
 * {@link ServicePages}, {@link SessionPages}, {@link SitePages}) the services, sessions and the
 * developers' and administrators' pages.
 */
public final class Pages {
    static final DateTimeFormatter READABLE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    /** Largest form the portal reads (the server's request size limit applies first). */
    private static final long MAX_FORM_BYTES = 64L * 1024 * 1024;

    private final Html html;
    private final Policies policies;
    private final String version;

    /**
     * @param html     the templates
     * @param policies roles and tier ceilings in force
     * @param version  the build's version, shown in the footer
     */
    public Pages(Html html, Policies policies, String version) {
        this.html = html;
        this.policies = policies;
        this.version = version;
    }

    /** The answer to one request under {@code /} or {@code /portal/}. */
    PortalHandler.Page answer(PortalHandler.Exchange x) {
        String path = x.path();
        boolean read = HttpMethod.GET.is(x.method()) || HttpMethod.HEAD.is(x.method());
        if (path.equals("/") || path.equals("/portal") || path.equals("/portal/")) {
            return read ? page(x, 200, "landing", Map.of("who", whoami(x))) : notAllowed(x);
        }
        if (path.equals("/portal/whoami")) {
            return read ? page(x, x.refusal().map(r -> r.status()).orElse(200), "whoami", Map.of("who", whoami(x)))
                    : notAllowed(x);
        }
        return problem(x, 404, "Not found", "There is no page at this address.", null);
    }

    /** A page with the chrome around it. */
    PortalHandler.Page page(PortalHandler.Exchange x, int status, String template, Map<String, Object> params) {
        Map<String, Object> all = new LinkedHashMap<>(params);
        all.put("chrome", chrome(x));
        return PortalHandler.Page.of(status, html.render(template + ".jte", all));
    }

    /** A page that says what went wrong. */
    PortalHandler.Page problem(PortalHandler.Exchange x, int status, String title, String message, String hint) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("title", title);
        params.put("message", message);
        params.put("hint", hint);
        return page(x, status, "problem", params);
    }

    /** A page for a caller whose credential was refused: why, and what to do. */
    PortalHandler.Page refused(PortalHandler.Exchange x) {
        RequestAuthenticator.Refused refused = x.refusal().orElseThrow();
        return problem(x, refused.status(), "Your certificate was not accepted", refusalText(refused),
                refusalHint(refused));
    }

    /** A page for a refusal of the API that the page cannot do without. */
    PortalHandler.Page apiProblem(PortalHandler.Exchange x, ApiClient.Answer answer) {
        return problem(x, answer.status(), answer.status() == 404 ? "Not found" : "Refused", answer.message(), null);
    }

    /** A form posted without a valid anti-forgery token: nothing was done. */
    PortalHandler.Page forged(PortalHandler.Exchange x) {
        return problem(x, 403, "Form refused", "This form did not come from this portal for you, or it has expired; "
                + "nothing was done.", "Open the page again and send the form from there.");
    }

    /** A part of a page (for htmx), without the chrome. */
    PortalHandler.Page fragment(int status, String template, Map<String, Object> params) {
        return PortalHandler.Page.of(status, html.render(template + ".jte", params));
    }

    /** The fields of a posted form (form-encoded; none for anything else). */
    org.eclipse.jetty.util.Fields form(PortalHandler.Exchange x) {
        String type = x.request().getHeaders().get(org.eclipse.jetty.http.HttpHeader.CONTENT_TYPE);
        if (type != null && type.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            try {
                return org.eclipse.jetty.server.FormFields.getFields(x.request());
            } catch (IllegalArgumentException e) {
                throw new PortalHandler.MalformedForm(e);
            }
        }
        return new org.eclipse.jetty.util.Fields();
    }

    /** The query string's parameters. */
    org.eclipse.jetty.util.Fields query(PortalHandler.Exchange x) {
        try {
            return org.eclipse.jetty.server.Request.extractQueryParameters(x.request(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new PortalHandler.MalformedForm(e);
        }
    }

    /**
     * The fields of a posted form by name (the first of each), form-encoded or multipart; a file's
     * content is read as UTF-8 text, which is what file arguments are.
     */
    Map<String, String> formValues(PortalHandler.Exchange x) {
        Map<String, String> values = new LinkedHashMap<>();
        String type = x.request().getHeaders().get(org.eclipse.jetty.http.HttpHeader.CONTENT_TYPE);
        if (type != null && type.toLowerCase(java.util.Locale.ROOT).startsWith("multipart/form-data")) {
            org.eclipse.jetty.http.MultiPartFormData.Parts parts;
            try {
                parts = org.eclipse.jetty.http.MultiPartFormData.getParts(x.request(), x.request(), type,
                        new org.eclipse.jetty.http.MultiPartConfig.Builder()
                                .location(java.nio.file.Path.of(System.getProperty("java.io.tmpdir"))).maxParts(1000)
                                .maxSize(MAX_FORM_BYTES).maxPartSize(MAX_FORM_BYTES).maxMemoryPartSize(MAX_FORM_BYTES)
                                .build());
            } catch (RuntimeException e) {
                throw new PortalHandler.MalformedForm(e);
            }
            try {
                for (var part : parts) {
                    values.putIfAbsent(part.getName(), part.getContentAsString(java.nio.charset.StandardCharsets.UTF_8));
                }
            } finally {
                parts.close();
            }
            return values;
        }
        for (var field : form(x)) {
            values.putIfAbsent(field.getName(), field.getValue());
        }
        return values;
    }

    PortalHandler.Page notAllowed(PortalHandler.Exchange x) {
        return problem(x, 405, "Not allowed", "This page cannot be " + x.method() + "ed; it can only be read.", null);
    }

    /** The chrome of a page for this request's caller. */
    Chrome chrome(PortalHandler.Exchange x) {
        boolean developer = x.caller().map(c -> policies.current().roles().isDeveloper(c.identity())).orElse(false);
        boolean admin = x.caller().map(c -> policies.current().roles().isAdmin(c.identity())).orElse(false);
        String who = x.caller().map(c -> c.identity().dn().map(dn -> "Signed in as " + dn + " (" + c.identity().tier()
                .wireName() + ")").orElse("Anonymous (no certificate)")).orElse("Certificate not accepted");
        return Chrome.of(x.path(), who, version, developer, admin);
    }

    /** The caller as the who-am-I page shows it, or why its credential was refused. */
    WhoamiView whoami(PortalHandler.Exchange x) {
        var limits = policies.current().config().tiers().limits();
        List<WhoamiView.TierLimit> tiers = new ArrayList<>();
        for (Tier t : Tier.values()) {
            tiers.add(new WhoamiView.TierLimit(t.wireName(), limits.of(t)));
        }
        if (x.caller().isEmpty()) {
            RequestAuthenticator.Refused refused = x.refusal().orElseThrow();
            return new WhoamiView(null, null, "none", null, List.of(), "refused", null, null, 0, false, tiers,
                    refusalText(refused), refusalHint(refused));
        }
        RequestCaller caller = x.caller().get();
        WhoamiHandler.Whoami w = WhoamiHandler.of(caller, limits.of(caller.identity().tier()));
        String credential;
        if (Boolean.TRUE.equals(w.token())) {
            credential = "a bearer token";
        } else if (w.dn() == null) {
            credential = "none: your browser sent no certificate";
        } else if (w.proxy()) {
            credential = "a proxy certificate (" + proxyWords(w) + ")";
        } else {
            credential = "a certificate";
        }
        String hint = w.dn() == null
                ? "To be known by your certificate, import your certificate file (.p12) into the browser and open "
                + "this page again; a browser asks which certificate to send once per start, so restart it if it "
                + "does not ask."
                : null;
        return new WhoamiView(w.dn(), w.issuer(), w.tier(), w.account(), w.accounts(), credential, w.expires(),
                w.expires() == null ? null : READABLE.format(java.time.Instant.parse(w.expires())), w.costLimit(),
                Boolean.TRUE.equals(w.launchRefused()), tiers, null, hint);
    }

    private static String proxyWords(WhoamiHandler.Whoami w) {
        String kind = switch (w.proxyType() == null ? "" : w.proxyType()) {
            case "rfc3820" -> "RFC 3820";
            case "legacy" -> "legacy Globus";
            case "draft" -> "pre-RFC 3820 draft";
            default -> w.proxyType();
        };
        return kind + (Boolean.TRUE.equals(w.proxyLimited()) ? ", limited" : "");
    }

    private static String refusalText(RequestAuthenticator.Refused refused) {
        return switch (refused.code()) {
            case "certificate_required" -> "This server does not accept anonymous visitors, and your browser sent "
                    + "no client certificate.";
            case "invalid_certificate" -> "Your browser sent a certificate the server cannot accept: "
                    + refused.getMessage() + ".";
            case "invalid_token" -> "The bearer token sent with this request is not valid: " + refused.getMessage() + ".";
            default -> refused.getMessage();
        };
    }

    private static String refusalHint(RequestAuthenticator.Refused refused) {
        return switch (refused.code()) {
            case "certificate_required" -> "Import your certificate file (.p12) into the browser, restart it and open "
                    + "this page again; the browser then asks which certificate to send.";
            case "invalid_certificate" -> "The server trusts only certificates of the certificate authorities it was "
                    + "given, and only while they are valid and not revoked. Restart the browser to be asked again and "
                    + "choose another certificate, or ask your certificate authority for a new one.";
            default -> "Ask the administrators of this server if you think this is wrong.";
        };
    }
}
