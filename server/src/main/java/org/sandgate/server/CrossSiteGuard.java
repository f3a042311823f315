package org.sandgate.server;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.sandgate.server.api.ErrorMapper;
import org.sandgate.server.errors.ErrorCode;
import org.sandgate.server.errors.Refusal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses requests a web page of another site could make a browser send with the user's client
 * certificate attached. Any request but {@code GET}/{@code HEAD} whose {@code Origin} is not this
 * server's own, or that carries {@code Sec-Fetch-Site: cross-site}, is answered {@code 403
 * cross_site_request}; a {@code POST} with a body must be {@code Content-Type: application/json}
 * ({@code 415} otherwise), which no HTML form or "simple" cross-site request can send without a CORS
 * preflight, and Sandgate grants none. Clients that send no {@code Origin} (curl, the CLI, scripts)
 * are not affected. The one exception to the JSON rule is the portal's own forms under {@code /portal/}
 * (form-encoded or multipart, same origin as everything else), which the portal refuses without
 * its anti-forgery token. Runs before authentication, so a refused request costs nothing further.
 */
final class CrossSiteGuard extends Handler.Wrapper {
    private static final Logger LOG = LoggerFactory.getLogger(CrossSiteGuard.class);
    private static final String SEC_FETCH_SITE = "Sec-Fetch-Site";
    /** Where the portal's forms post to. */
    private static final String PORTAL_FORMS = "/portal/";

    CrossSiteGuard(Handler next) {
        super(next);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String method = request.getMethod();
        if (HttpMethod.GET.is(method) || HttpMethod.HEAD.is(method)) {
            return super.handle(request, response, callback);
        }
        HttpFields headers = request.getHeaders();
        String refusal = crossSite(headers, request.getHttpURI());
        if (refusal != null) {
            LOG.info("refused {} {} from {}: {}", method, request.getHttpURI().getPath(),
                    Request.getRemoteAddr(request), refusal);
            ErrorMapper.write(response, callback, new Refusal(ErrorCode.CROSS_SITE_REQUEST,
                    "cross-site requests are refused: " + refusal));
            return true;
        }
        if (HttpMethod.POST.is(method) && hasBody(request) && !isJson(headers.get(HttpHeader.CONTENT_TYPE))
                && !isPortalForm(request.getHttpURI().getCanonicalPath(), headers.get(HttpHeader.CONTENT_TYPE))) {
            ErrorMapper.write(response, callback, new Refusal(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                    "a POST body must be JSON sent with 'Content-Type: application/json'"));
            return true;
        }
        return super.handle(request, response, callback);
    }

    /** Why the request comes from another site, or null when nothing says it does. */
    static String crossSite(HttpFields headers, HttpURI target) {
        for (String site : headers.getValuesList(SEC_FETCH_SITE)) {
            if ("cross-site".equalsIgnoreCase(site.strip())) {
                return "Sec-Fetch-Site: cross-site";
            }
        }
        List<String> origins = headers.getValuesList(HttpHeader.ORIGIN);
        if (origins.isEmpty()) {
            return null;
        }
        if (origins.size() > 1) {
            return "more than one Origin";
        }
        String origin = origins.get(0).strip();
        if (!sameOrigin(origin, target)) {
            return "Origin " + printable(origin) + " is not this server";
        }
        return null;
    }

    /** Whether a serialised origin ({@code scheme://host[:port]}) names the server the request went to. */
    static boolean sameOrigin(String origin, HttpURI target) {
        URI uri;
        try {
            uri = new URI(origin);
        } catch (java.net.URISyntaxException e) {
            return false; // "null" (an opaque origin) and anything malformed
        }
        if (uri.getScheme() == null || uri.getHost() == null || uri.getRawPath() != null && !uri.getRawPath().isEmpty()
                || uri.getRawQuery() != null || uri.getRawUserInfo() != null || target.getHost() == null) {
            return false;
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        String targetScheme = target.getScheme() == null ? "" : target.getScheme().toLowerCase(Locale.ROOT);
        return scheme.equals(targetScheme)
                && hostOf(uri.getHost()).equals(hostOf(target.getHost()))
                && port(scheme, uri.getPort()) == port(targetScheme, target.getPort());
    }

    private static String hostOf(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
    }

    private static int port(String scheme, int port) {
        if (port > 0) {
            return port;
        }
        return "https".equals(scheme) ? 443 : "http".equals(scheme) ? 80 : -1;
    }

    /** A body follows: a positive length, or a chunked body of unknown length. */
    private static boolean hasBody(Request request) {
        long length = request.getLength();
        return length > 0 || length < 0 && request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING);
    }

    /**
     * A form of the portal's own pages, which carries an anti-forgery token the portal checks (its
     * Origin has passed the check above).
     */
    static boolean isPortalForm(String path, String contentType) {
        if (path == null || !path.startsWith(PORTAL_FORMS) || contentType == null) {
            return false;
        }
        int semicolon = contentType.indexOf(';');
        String base = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip();
        return base.equalsIgnoreCase("application/x-www-form-urlencoded") || base.equalsIgnoreCase("multipart/form-data");
    }

    private static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semicolon = contentType.indexOf(';');
        String base = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip();
        return base.equalsIgnoreCase("application/json");
    }

    private static String printable(String s) {
        String p = s.replaceAll("[^\\x20-\\x7e]", "?");
        return p.length() > 100 ? p.substring(0, 97) + "..." : p;
    }
}
