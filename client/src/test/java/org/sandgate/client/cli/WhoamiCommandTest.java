package org.sandgate.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import eu.emi.security.authn.x509.X509Credential;
import eu.emi.security.authn.x509.proxy.ProxyCertificateOptions;
import eu.emi.security.authn.x509.proxy.ProxyGenerator;
import eu.emi.security.authn.x509.proxy.ProxyPolicy;
import eu.emi.security.authn.x509.proxy.ProxyType;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sandgate.client.Whoami;
import org.sandgate.client.credentials.GridCredentials;
import org.sandgate.server.ca.DevCa;

/** The proxy line of {@code whoami}, from the server's answer and the chain the client presented. */
class WhoamiCommandTest {
    @TempDir
    static Path dir;
    static X509Credential user;

    @BeforeAll
    static void user() throws Exception {
        DevCa ca = DevCa.create("/O=Whoami Test/CN=Whoami CA", Duration.ofDays(1));
        ca.issueUser("/O=Whoami Test/CN=Ada", Duration.ofDays(1)).write(dir.resolve("cert.pem"), dir.resolve("key.pem"));
        user = GridCredentials.certificateAndKey(dir.resolve("cert.pem"), dir.resolve("key.pem"), () -> null);
    }

    private static List<X509Certificate> proxy(ProxyType type, boolean limited, boolean independent) throws Exception {
        ProxyCertificateOptions options = new ProxyCertificateOptions(user.getCertificateChain());
        options.setType(type);
        options.setLimited(limited);
        if (independent) {
            options.setPolicy(new ProxyPolicy(ProxyPolicy.INDEPENDENT_POLICY_OID));
        }
        options.setKeyLength(1024);
        return List.of(ProxyGenerator.generate(options, user.getKey()).getCertificateChain());
    }

    private static Whoami answer(String type, Boolean limited) {
        return answer(type, limited, null);
    }

    private static Whoami answer(String type, Boolean limited, String policy) {
        return new Whoami(Optional.of("/O=Whoami Test/CN=Ada"), Optional.empty(), Optional.empty(), "strong",
                Optional.empty(), true, Optional.empty(), Optional.ofNullable(type), Optional.ofNullable(limited),
                Optional.ofNullable(policy), Optional.empty(), List.of(), -1);
    }

    @Test
    void theServersTypeAndLimitWinAndIndependenceComesFromThePresentedChain() throws Exception {
        assertEquals("RFC 3820 independent proxy",
                WhoamiCommand.proxyKind(answer("rfc3820", false), proxy(ProxyType.RFC3820, false, true)));
        assertEquals("RFC 3820 limited proxy",
                WhoamiCommand.proxyKind(answer("rfc3820", true), proxy(ProxyType.RFC3820, false, false)));
        assertEquals("draft (pre-RFC 3820) impersonation proxy",
                WhoamiCommand.proxyKind(answer("draft", false), List.of()));
    }

    @Test
    void theServersPolicyWinsOverThePresentedChain() throws Exception {
        assertEquals("RFC 3820 independent proxy",
                WhoamiCommand.proxyKind(answer("rfc3820", false, "independent"), List.of()));
        assertEquals("RFC 3820 impersonation proxy", WhoamiCommand.proxyKind(answer("rfc3820", false, "inherit_all"),
                proxy(ProxyType.RFC3820, false, true)));
    }

    @Test
    void aServerThatDoesNotTellTheTypeHasItReadFromThePresentedChain() throws Exception {
        assertEquals("legacy Globus limited proxy",
                WhoamiCommand.proxyKind(answer(null, null), proxy(ProxyType.LEGACY, true, false)));
        assertEquals("RFC 3820 impersonation proxy",
                WhoamiCommand.proxyKind(answer(null, null), proxy(ProxyType.RFC3820, false, false)));
        assertEquals("yes", WhoamiCommand.proxyKind(answer(null, null), List.of()));
    }
}
