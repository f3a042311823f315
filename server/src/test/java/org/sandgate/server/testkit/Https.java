package org.sandgate.server.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;

/** A JDK HTTP client that presents one credential (or none) and trusts one CA. */
public final class Https {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient client;

    /** The status and parsed JSON body of a response. */
    public record Reply(int status, JsonNode json, String body, HttpResponse<String> raw) {
        public String error() {
            return json.path("error").asText();
        }
    }

    public Https(TestPki.Credential credential, X509Certificate trusted) throws GeneralSecurityException, IOException {
        this.client = HttpClient.newBuilder().sslContext(sslContext(credential, trusted))
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** A TLS context that presents the credential (or none) and trusts one CA. */
    public static SSLContext sslContext(TestPki.Credential credential, X509Certificate trusted)
            throws GeneralSecurityException, IOException {
        SSLContext ssl = SSLContext.getInstance("TLS");
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", trusted);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManager[] km = credential == null ? null : new KeyManager[] {new FixedKeyManager(credential)};
        ssl.init(km, tmf.getTrustManagers(), null);
        return ssl;
    }

    public Reply get(URI uri) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri).header("Accept", "application/json").GET().build());
    }

    /** The reply to a GET, or empty while nothing answers there yet (a server still starting). */
    public java.util.Optional<Reply> tryGet(URI uri) throws InterruptedException {
        try {
            return java.util.Optional.of(get(uri));
        } catch (IOException notYet) {
            return java.util.Optional.empty();
        }
    }

    public Reply send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
        JsonNode json;
        try {
            json = JSON.readTree(r.body());
        } catch (IOException e) {
            json = JSON.nullNode();
        }
        return new Reply(r.statusCode(), json == null ? JSON.nullNode() : json, r.body(), r);
    }

    /** Presents the credential whatever CAs the server asks for, as grid clients do with proxies. */
    private static final class FixedKeyManager extends X509ExtendedKeyManager {
        private final TestPki.Credential credential;

        FixedKeyManager(TestPki.Credential credential) {
            this.credential = credential;
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return new String[] {"me"};
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return "me";
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return "me";
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return null;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return credential.chain();
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return credential.key();
        }
    }
}
