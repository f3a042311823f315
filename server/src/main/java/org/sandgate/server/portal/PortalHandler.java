package org.sandgate.server.portal;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.sandgate.server.api.RequestAuthenticator;
import org.sandgate.server.identity.RequestCaller;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web portal on the HTTPS port: the start page at {@code /}, the pages under {@code /portal/}
 * and their scripts and style under {@code /assets/}. Pages are rendered on the server and work
 * without JavaScript; every page is answered with a strict Content-Security-Policy (scripts and
 * styles from this server only, nothing inline), no referrer, and no caching. The caller is
 * authenticated as for the API (the one {@link RequestAuthenticator}); what the pages show and do
 * goes through the REST API ({@link ApiClient}). Paths it does not know are left to the next route.
 * It blocks (it reads forms and calls the API): it must sit behind a blocking handler.
 */
public final class PortalHandler extends Handler.Abstract {
    private static final Logger LOG = LoggerFactory.getLogger(PortalHandler.class);

    /** The Content-Security-Policy of every page: nothing inline, nothing from elsewhere. */
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
            + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private final RequestAuthenticator authenticator;
    private final Pages pages;
    private final java.util.List<Section> sections;
    private final Assets assets = new Assets();

    /** The pages of one part of the portal. */
    interface Section {
        /** The answer, when the path is one of this section's pages. */
        Optional<Page> answer(Exchange exchange);
    }

    /**
     * @param authenticator the one authentication of every route
     * @param pages         the start page, who am I, and the pages that say what went wrong
     * @param sections      the other parts of the portal, asked in order
     */
    PortalHandler(RequestAuthenticator authenticator, Pages pages, java.util.List<Section> sections) {
        this.authenticator = authenticator;
        this.pages = pages;
        this.sections = java.util.List.copyOf(sections);
    }

    /**
     * The portal of a server.
     *
     * @param authenticator the one authentication of every route
     * @param api           the REST API, called in-process
     * @param policies      roles and tier ceilings in force
     * @param version       the build's version
     * @param sessions      the sessions, whose outputs the session page shows
     * @param sandboxes     the sandboxes, opened as downloads open them
     */
    public static PortalHandler create(RequestAuthenticator authenticator, ApiClient api,
                                       org.sandgate.server.policy.Policies policies, String version,
                                       org.sandgate.server.sessions.SessionManager sessions,
                                       org.sandgate.server.files.SandboxTree sandboxes) {
        Pages pages = new Pages(new Html(), policies, version);
        FormTokens tokens = new FormTokens(java.time.Clock.systemUTC(), java.time.Duration.ofHours(12));
        return new PortalHandler(authenticator, pages, java.util.List.of(new ServicePages(pages, api, tokens),
                new SessionPages(pages, api, tokens, new OutputTails(sessions, sandboxes)),
                new SitePages(pages, api, tokens, policies)));
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = request.getHttpURI().getCanonicalPath();
        if (path == null) {
            return false;
        }
        if (path.startsWith("/assets/")) {
            return asset(path.substring("/assets/".length()), request, response, callback);
        }
        if (!path.equals("/") && !path.equals("/portal") && !path.startsWith("/portal/")) {
            return false;
        }
        Exchange exchange = exchange(request, path);
        Page page;
        try {
            page = answer(exchange);
        } catch (RuntimeException e) {
            Optional<Integer> fault = clientFault(e);
            if (fault.isPresent()) {
                LOG.info("refused {} {}: {}", request.getMethod(), path, e.toString());
                page = pages.problem(exchange, fault.get(), "Bad request", "The form sent could not be read; "
                        + "nothing was done.", "Open the page again and send it from there.");
            } else {
                String id = java.util.UUID.randomUUID().toString();
                LOG.error("internal error {} on {} {}", id, request.getMethod(), path, e);
                page = pages.problem(exchange, 500, "Something went wrong",
                        "The server failed to answer this page (error " + id + " in its log).", null);
            }
        }
        write(request, response, callback, page);
        return true;
    }

    /** The 4xx status of a failure the request caused (a malformed or oversized form body), if it is one. */
    private static Optional<Integer> clientFault(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof org.eclipse.jetty.http.HttpException http && http.getCode() >= 400 && http.getCode() < 500) {
                return Optional.of(http.getCode());
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MalformedForm) {
                return Optional.of(400);
            }
        }
        return Optional.empty();
    }

    private Page answer(Exchange exchange) {
        for (Section section : sections) {
            Optional<Page> page = section.answer(exchange);
            if (page.isPresent()) {
                return page.get();
            }
        }
        return pages.answer(exchange);
    }

    private Exchange exchange(Request request, String path) {
        Optional<RequestCaller> caller;
        Optional<RequestAuthenticator.Refused> refusal;
        try {
            caller = Optional.of(authenticator.authenticate(request));
            refusal = Optional.empty();
        } catch (RequestAuthenticator.Refused refused) {
            caller = Optional.empty();
            refusal = Optional.of(refused);
        }
        var uri = request.getHttpURI();
        URI base = URI.create(uri.getScheme() + "://" + uri.getAuthority() + "/");
        return new Exchange(request, path, caller, refusal, base);
    }

    /** Writes a page with the portal's headers. */
    static void write(Request request, Response response, Callback callback, Page page) {
        response.setStatus(page.status());
        var headers = response.getHeaders();
        headers.put("Content-Security-Policy", CSP);
        headers.put("Referrer-Policy", "same-origin");
        headers.put("X-Content-Type-Options", "nosniff");
        headers.put("X-Frame-Options", "DENY");
        headers.put(HttpHeader.CACHE_CONTROL, "no-store");
        page.location().ifPresent(l -> headers.put(HttpHeader.LOCATION, l));
        page.headers().forEach(headers::put);
        headers.put(HttpHeader.CONTENT_TYPE, "text/html; charset=utf-8");
        headers.put(HttpHeader.CONTENT_LENGTH, page.body().length);
        response.write(true, HttpMethod.HEAD.is(request.getMethod()) ? ByteBuffer.allocate(0)
                : ByteBuffer.wrap(page.body()), callback);
    }

    private boolean asset(String name, Request request, Response response, Callback callback) {
        Optional<Assets.Asset> asset = assets.find(name);
        if (asset.isEmpty()) {
            return false;
        }
        if (!HttpMethod.GET.is(request.getMethod()) && !HttpMethod.HEAD.is(request.getMethod())) {
            Response.writeError(request, response, callback, 405);
            return true;
        }
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, asset.get().type());
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, asset.get().bytes().length);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "max-age=3600");
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        response.write(true, HttpMethod.HEAD.is(request.getMethod()) ? ByteBuffer.allocate(0)
                : ByteBuffer.wrap(asset.get().bytes()), callback);
        return true;
    }

    /** A form body or query string that cannot be read (bad percent-encoding, say): the client's fault. */
    static final class MalformedForm extends RuntimeException {
        MalformedForm(Throwable cause) {
            super(cause.getMessage(), cause);
        }
    }

    /**
     * One request to the portal.
     *
     * @param request the request
     * @param path    its canonical path
     * @param caller  the caller, when its credential was accepted
     * @param refusal why it was not
     * @param base    the server's base URI as the request addressed it
     */
    public record Exchange(Request request, String path, Optional<RequestCaller> caller,
                           Optional<RequestAuthenticator.Refused> refusal, URI base) {
        /** The request's method. */
        public String method() {
            return request.getMethod();
        }
    }

    /**
     * One answer of the portal.
     *
     * @param status   the HTTP status
     * @param body     the HTML
     * @param location where a redirect goes
     * @param headers  more headers
     */
    public record Page(int status, byte[] body, Optional<String> location, Map<String, String> headers) {
        /** A page. */
        public static Page of(int status, byte[] body) {
            return new Page(status, body, Optional.empty(), Map.of());
        }

        /** {@code 303 See Other}: after a form was posted. */
        public static Page seeOther(String location) {
            return new Page(303, "<!DOCTYPE html><title>See other</title>".getBytes(StandardCharsets.UTF_8),
                    Optional.of(location), Map.of());
        }
    }
}
