package org.sandgate.client;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import eu.emi.security.authn.x509.X509CertChainValidator;
import eu.emi.security.authn.x509.X509Credential;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManager;

/**
 * A client of one Sandgate server: immutable, made by {@link #builder(URI)}, one method per REST call.
 * Non-2xx answers become {@link SandgateException}s that carry the server's error code.
 */
public final class SandgateClient {
    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new Jdk8Module())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final URI base;
    private final HttpClient http;
    private final SSLContext ssl;
    private final Duration connectTimeout;
    private final ServerTrust serverTrust;
    private final List<java.security.cert.X509Certificate> chain;

    private SandgateClient(URI base, HttpClient http, SSLContext ssl, Duration connectTimeout, ServerTrust serverTrust,
                           List<java.security.cert.X509Certificate> chain) {
        this.serverTrust = serverTrust;
        this.chain = chain;
        this.base = base;
        this.http = http;
        this.ssl = ssl;
        this.connectTimeout = connectTimeout;
    }

    /** A builder for a client of the server at {@code base} ({@code https://host:port}). */
    public static Builder builder(URI base) {
        return new Builder(base);
    }

    /** The certificate chain this client presents, its own certificate first; empty when it calls anonymously. */
    public List<java.security.cert.X509Certificate> certificateChain() {
        return chain;
    }

    /** {@code GET /api/v1/whoami}. */
    public Whoami whoami() {
        return get("/api/v1/whoami", Whoami.class);
    }

    /** The raw JSON of {@code GET /api/v1/whoami}, for {@code --json} output. */
    public JsonNode whoamiJson() {
        return get("/api/v1/whoami", JsonNode.class);
    }

    /**
     * Calls a method: {@code call("sleepy", "add", List.of(1, 3, 5))}.
     *
     * @param service the dotted service name
     * @param args    the positional arguments (numbers, strings, booleans)
     */
    public CallResult call(String service, String method, List<Object> args) {
        return callWith(service, method, args);
    }

    /**
     * Calls a method with its arguments by name: {@code call("echo", "echo", Map.of("text", "hi", "times", 2))}.
     *
     * @param service the dotted service name
     * @param args    the arguments by name (numbers, strings, booleans)
     */
    public CallResult call(String service, String method, java.util.Map<String, Object> args) {
        return callWith(service, method, args);
    }

    private CallResult callWith(String service, String method, Object args) {
        String path = "/api/v1/services/" + String.join("/", service.split("\\.")) + "/" + method;
        String body;
        try {
            body = JSON.writeValueAsString(java.util.Map.of("args", args));
        } catch (IOException e) {
            throw new IllegalArgumentException("arguments cannot be written as JSON", e);
        }
        JsonNode answer = send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)), JsonNode.class);
        if (answer.has("session")) {
            return new CallResult(Optional.empty(), Optional.of(new CallResult.SessionRef(
                    answer.get("session").asText(), answer.path("url").asText(), answer.path("status_url").asText(),
                    answer.path("state").asText())));
        }
        return new CallResult(Optional.ofNullable(answer.get("result")), Optional.empty());
    }

    /** {@code GET /api/v1/sessions/{id}}. */
    public SessionInfo session(String id) {
        return get("/api/v1/sessions/" + sessionId(id), SessionInfo.class);
    }

    /** The raw JSON of a session, for {@code --json} output. */
    public JsonNode sessionJson(String id) {
        return get("/api/v1/sessions/" + sessionId(id), JsonNode.class);
    }

    /** {@code DELETE /api/v1/sessions/{id}}: cancels the job and removes the session. */
    public void cancel(String id) {
        send(HttpRequest.newBuilder(base.resolve("/api/v1/sessions/" + sessionId(id))).DELETE(), Void.class);
    }

    /** {@code GET /api/v1/services}: the deployed services with their methods and argument schemas. */
    public JsonNode servicesJson() {
        return get("/api/v1/services", JsonNode.class);
    }

    /**
     * Follows a session's state changes over its event stream ({@code /api/v1/sessions/{id}/events}),
     * handing each {@code state} event to {@code onState}, until the session reaches a final state
     * or the stream ends.
     *
     * @return the last state event seen
     */
    public JsonNode events(String id, java.util.function.Consumer<JsonNode> onState) {
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/api/v1/sessions/" + sessionId(id) + "/events"))
                .header("Accept", "text/event-stream").GET().build();
        EventLines lines = new EventLines(onState);
        java.util.concurrent.CompletableFuture<HttpResponse<Void>> response = http.sendAsync(request,
                info -> info.statusCode() == 200 ? HttpResponse.BodySubscribers.fromLineSubscriber(lines)
                        : HttpResponse.BodySubscribers.replacing((Void) null));
        try {
            java.util.concurrent.CompletableFuture.anyOf(lines.done, response).get();
            if (response.isDone() && !response.isCompletedExceptionally() && response.get().statusCode() != 200) {
                int status = response.get().statusCode();
                throw new SandgateException(status, status == 404 ? "not_found" : "http_" + status,
                        "no events for session " + id);
            }
            JsonNode last = lines.done.get();
            if (last == null) {
                throw new SandgateException(0, "connection_failed", "the event stream of session " + id + " ended early");
            }
            return last;
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable why = e.getCause() instanceof java.io.UncheckedIOException u ? u.getCause() : e.getCause();
            if (why instanceof SSLHandshakeException handshake) {
                throw handshakeFailed(handshake);
            }
            throw new SandgateException(0, "connection_failed", "cannot follow session " + id + " at " + base + ": "
                    + NetworkFailures.describe(why, base));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandgateException(0, "interrupted", "interrupted");
        } finally {
            // an interrupted or finished follower closes the stream instead of holding it open
            lines.cancel();
            response.cancel(true);
        }
    }

    /** Reads {@code state} events off a Server-Sent Events stream until one is final. */
    private static final class EventLines implements java.util.concurrent.Flow.Subscriber<String> {
        final java.util.concurrent.CompletableFuture<JsonNode> done = new java.util.concurrent.CompletableFuture<>();
        private final java.util.function.Consumer<JsonNode> onState;
        private volatile java.util.concurrent.Flow.Subscription subscription;
        private String event = "";
        private JsonNode last;

        EventLines(java.util.function.Consumer<JsonNode> onState) {
            this.onState = onState;
        }

        @Override
        public void onSubscribe(java.util.concurrent.Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(String line) {
            if (done.isDone()) {
                return;
            }
            try {
                if (line.startsWith("event:")) {
                    event = line.substring(6).strip();
                } else if (line.startsWith("data:") && event.equals("state")) {
                    last = JSON.readTree(line.substring(5).strip());
                    onState.accept(last);
                    if (SessionInfo.isFinal(last.path("state").asText())) {
                        done.complete(last);
                        cancel();
                    }
                }
            } catch (IOException | RuntimeException e) {
                done.completeExceptionally(e);
                cancel();
            }
        }

        @Override
        public void onError(Throwable failure) {
            done.completeExceptionally(failure);
        }

        @Override
        public void onComplete() {
            done.complete(last);
        }

        void cancel() {
            java.util.concurrent.Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
        }
    }

    /** Progress of a download: bytes so far and in all (-1 when unknown). */
    @FunctionalInterface
    public interface Progress {
        void update(long done, long total);
    }

    /**
     * Downloads one file of a sandbox to {@code target}, resuming from {@code target}'s partial copy
     * ({@code target + ".part"}) with a Range request when there is one.
     *
     * @return the number of bytes the file has
     */
    public long fetch(String id, String path, java.nio.file.Path target) {
        return fetch(id, path, target, (done, total) -> { });
    }

    /**
     * As {@link #fetch(String, String, java.nio.file.Path)}, telling {@code progress} how far it got.
     * Downloads go over {@link javax.net.ssl.HttpsURLConnection} (the JDK's socket-based TLS), which
     * moves bulk data several times faster than {@link HttpClient}'s engine-based TLS. An interrupted
     * thread stops the download, leaving the partial copy to resume from.
     */
    public long fetch(String id, String path, java.nio.file.Path target, Progress progress) {
        java.nio.file.Path part = target.resolveSibling(target.getFileName() + ".part");
        long have = 0;
        try {
            have = java.nio.file.Files.exists(part) ? java.nio.file.Files.size(part) : 0;
        } catch (IOException e) {
            have = 0;
        }
        String encoded = java.util.Arrays.stream(path.split("/")).filter(p -> !p.isEmpty())
                .map(p -> java.net.URLEncoder.encode(p, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20"))
                .collect(java.util.stream.Collectors.joining("/"));
        URI uri = base.resolve("/sandbox/" + sessionId(id) + "/" + encoded);
        javax.net.ssl.HttpsURLConnection c = null;
        try {
            c = (javax.net.ssl.HttpsURLConnection) uri.toURL().openConnection();
            c.setSSLSocketFactory(new NoDelaySocketFactory(ssl.getSocketFactory()));
            c.setConnectTimeout((int) connectTimeout.toMillis());
            c.setReadTimeout((int) Duration.ofMinutes(10).toMillis());
            c.setInstanceFollowRedirects(false);
            if (have > 0) {
                c.setRequestProperty("Range", "bytes=" + have + "-");
            }
            int status = c.getResponseCode();
            if (status == 416 && have > 0) {
                java.nio.file.Files.move(part, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                return have;
            }
            if (status != 200 && status != 206) {
                throw new SandgateException(status, status == 404 ? "not_found" : "http_" + status,
                        "cannot fetch " + path + " of session " + id);
            }
            boolean append = status == 206;
            long start = append ? have : 0;
            long length = c.getContentLengthLong();
            long total = length < 0 ? -1 : start + length;
            java.nio.file.Files.createDirectories(target.toAbsolutePath().getParent());
            try (java.io.InputStream in = c.getInputStream();
                 java.io.OutputStream out = java.nio.file.Files.newOutputStream(part,
                         java.nio.file.StandardOpenOption.CREATE, append ? java.nio.file.StandardOpenOption.APPEND
                                 : java.nio.file.StandardOpenOption.TRUNCATE_EXISTING,
                         java.nio.file.StandardOpenOption.WRITE)) {
                byte[] buffer = new byte[256 * 1024];
                long done = start;
                int n;
                while ((n = in.read(buffer)) > 0) {
                    if (Thread.currentThread().isInterrupted()) {
                        throw new java.io.InterruptedIOException("stopped");
                    }
                    out.write(buffer, 0, n);
                    done += n;
                    progress.update(done, total);
                }
            }
            java.nio.file.Files.move(part, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return java.nio.file.Files.size(target);
        } catch (SSLHandshakeException e) {
            throw handshakeFailed(e);
        } catch (java.net.ConnectException | java.net.UnknownHostException | java.net.NoRouteToHostException e) {
            throw new SandgateException(0, "connection_failed", "cannot reach " + base + ": "
                    + NetworkFailures.describe(e, base));
        } catch (IOException e) {
            throw new SandgateException(0, "connection_failed", "download of " + path + " interrupted ("
                    + NetworkFailures.describe(e, base) + "); run the same fetch again to resume");
        } finally {
            if (c != null) {
                c.disconnect();
            }
        }
    }

    /**
     * Sockets with {@code TCP_NODELAY}, as the JDK's {@link HttpClient} makes them: without it a request
     * written right after the handshake can wait for a delayed ACK (40 ms) before it leaves.
     */
    private static final class NoDelaySocketFactory extends javax.net.ssl.SSLSocketFactory {
        private final javax.net.ssl.SSLSocketFactory delegate;

        NoDelaySocketFactory(javax.net.ssl.SSLSocketFactory delegate) {
            this.delegate = delegate;
        }

        private static java.net.Socket noDelay(java.net.Socket socket) throws IOException {
            socket.setTcpNoDelay(true);
            return socket;
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return delegate.getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return delegate.getSupportedCipherSuites();
        }

        @Override
        public java.net.Socket createSocket() throws IOException {
            return noDelay(delegate.createSocket());
        }

        @Override
        public java.net.Socket createSocket(java.net.Socket s, String host, int port, boolean autoClose) throws IOException {
            return noDelay(delegate.createSocket(s, host, port, autoClose));
        }

        @Override
        public java.net.Socket createSocket(String host, int port) throws IOException {
            return noDelay(delegate.createSocket(host, port));
        }

        @Override
        public java.net.Socket createSocket(String host, int port, java.net.InetAddress localHost, int localPort)
                throws IOException {
            return noDelay(delegate.createSocket(host, port, localHost, localPort));
        }

        @Override
        public java.net.Socket createSocket(java.net.InetAddress host, int port) throws IOException {
            return noDelay(delegate.createSocket(host, port));
        }

        @Override
        public java.net.Socket createSocket(java.net.InetAddress address, int port, java.net.InetAddress localAddress,
                                            int localPort) throws IOException {
            return noDelay(delegate.createSocket(address, port, localAddress, localPort));
        }
    }

    private SandgateException handshakeFailed(SSLHandshakeException e) {
        String why = serverTrust.lastRefusal();
        return new SandgateException(0, "tls_failed", "TLS handshake with " + base + " failed: "
                + (why != null ? why : e.getMessage()));
    }

    private static String sessionId(String id) {
        if (!id.matches("[0-9a-f]{32}")) {
            throw new SandgateException(0, "invalid_session", "'" + id + "' is not a session id (32 hex digits)");
        }
        return id;
    }

    private <T> T get(String path, Class<T> type) {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET(), type);
    }

    private <T> T send(HttpRequest.Builder builder, Class<T> type) {
        HttpRequest request = builder.header("Accept", "application/json").timeout(Duration.ofSeconds(60)).build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (SSLHandshakeException e) {
            throw handshakeFailed(e);
        } catch (IOException e) {
            throw new SandgateException(0, "connection_failed", "cannot reach " + base + ": "
                    + NetworkFailures.describe(e, base));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandgateException(0, "interrupted", "interrupted");
        }
        try {
            if (response.statusCode() / 100 != 2) {
                JsonNode error = JSON.readTree(response.body());
                throw new SandgateException(response.statusCode(),
                        error.path("error").asText("http_" + response.statusCode()),
                        error.path("message").asText("HTTP status " + response.statusCode()));
            }
            if (type == Void.class) {
                return null;
            }
            return JSON.readValue(response.body(), type);
        } catch (IOException e) {
            throw new SandgateException(response.statusCode(), "bad_response",
                    "the server's answer is not the expected JSON: " + e.getMessage());
        }
    }

    /** Builds a client; the trust anchors are required, the credential is optional (anonymous). */
    public static final class Builder {
        private final URI base;
        private X509Credential credential;
        private X509CertChainValidator trust;
        private Duration connectTimeout = Duration.ofSeconds(20);

        private Builder(URI base) {
            this.base = Objects.requireNonNull(base, "base");
        }

        /** The certificate or proxy to present; without one the calls are anonymous. */
        public Builder credential(X509Credential credential) {
            this.credential = credential;
            return this;
        }

        /** The CAs the server's certificate is checked against. */
        public Builder trust(X509CertChainValidator trust) {
            this.trust = trust;
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = Objects.requireNonNull(timeout);
            return this;
        }

        /** The client; fails when the trust anchors are missing or the URL is not HTTPS. */
        public SandgateClient build() {
            if (trust == null) {
                throw new IllegalStateException("no trust anchors: the server's certificate cannot be checked");
            }
            if (!"https".equals(base.getScheme()) || base.getHost() == null) {
                throw new IllegalArgumentException("the server URL must be https://HOST[:PORT], not " + base);
            }
            try {
                SSLContext ssl = SSLContext.getInstance("TLS");
                KeyManager[] keys = Optional.ofNullable(credential)
                        .map(c -> new KeyManager[] {c.getKeyManager()}).orElse(null);
                ServerTrust serverTrust = new ServerTrust(trust);
                ssl.init(keys, new TrustManager[] {serverTrust}, null);
                HttpClient http = HttpClient.newBuilder().sslContext(ssl).connectTimeout(connectTimeout).build();
                List<java.security.cert.X509Certificate> chain = credential == null ? List.of()
                        : List.of(credential.getCertificateChain());
                return new SandgateClient(base, http, ssl, connectTimeout, serverTrust, chain);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
            }
        }
    }
}
