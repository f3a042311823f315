package org.sandgate.acceptance.browser;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Another site the victim's browser visits: plain HTTP on {@code 127.0.0.1} (another origin, and
 * another site, than {@code https://localhost}), serving pages the test writes, such as a form that
 * posts itself to the portal as soon as it loads (the classic cross-site request forgery, riding on
 * the certificate the browser presents by itself).
 */
public final class AttackerSite implements AutoCloseable {
    private final HttpServer server;
    private final Map<String, String> pages = new ConcurrentHashMap<>();

    private AttackerSite(HttpServer server) {
        this.server = server;
    }

    /** Starts the site on an ephemeral port of the loopback address. */
    public static AttackerSite start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        AttackerSite site = new AttackerSite(server);
        server.createContext("/", exchange -> {
            String page = site.pages.get(exchange.getRequestURI().getPath());
            byte[] body = (page == null ? "not here" : page).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(page == null ? 404 : 200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return site;
    }

    /**
     * Serves, at {@code path}, a form that posts {@code fields} (application/x-www-form-urlencoded) to
     * {@code action} when the page loads (with JavaScript) or when its button is pressed (without).
     * Returns the page's URL.
     */
    public String autoPostingForm(String path, String action, Map<String, String> fields) {
        StringBuilder html = new StringBuilder("<!doctype html><html lang='en'><head><title>Win a prize</title></head><body>"
                + "<form id='f' method='post' action='" + escape(action) + "'>");
        fields.forEach((k, v) -> html.append("<input type='hidden' name='").append(escape(k)).append("' value='")
                .append(escape(v)).append("'>"));
        html.append("<button type='submit'>Claim</button></form><script>document.getElementById('f').submit()</script>"
                + "</body></html>");
        pages.put(path, html.toString());
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("'", "&#39;").replace("<", "&lt;");
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
