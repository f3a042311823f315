package org.sandgate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sandgate.server.testkit.Https;
import org.sandgate.server.testkit.Site;
import org.sandgate.server.testkit.TestPki;

/**
 * Bearer tokens through real HTTPS: issued by the server to certificate holders and used without a
 * certificate, tokens of external issuers (keys made here, as PEM and as JWKS), and every kind of bad
 * token, each answered 401 with a WWW-Authenticate header.
 */
class TokensIT {
    static RSAKey idpRsa;
    static ECKey idpEc;

    @RegisterExtension
    static final Site site = Site.with().user("Alice").user("Bob").deploy(TestPki.ECHO_JAR).deploy(TestPki.SLEEPY_JAR)
            .before(s -> {
                idpRsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
                idpEc = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
                String pem = "-----BEGIN PUBLIC KEY-----\n"
                        + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(idpRsa.toRSAPublicKey().getEncoded())
                        + "\n-----END PUBLIC KEY-----\n";
                Files.writeString(s.pki().conf.resolve("idp-rsa.pem"), pem);
                Files.writeString(s.pki().conf.resolve("idp-ec.jwks"), new JWKSet(idpEc.toPublicJWK()).toString());
            })
            .config("""
                    tokens:
                      lifetime_seconds: 3600
                      trusted:
                        - {issuer: "https://idp-rsa.test", keys: idp-rsa.pem, tier: strong}
                        - {issuer: "https://idp-ec.test", keys: idp-ec.jwks, tier: weak}
                    """).build();
    static final TestPki pki = site.pki();
    static final Path dir = site.dir();
    static final TestPki.Credential alice = site.user("Alice");
    static final TestPki.Credential bob = site.user("Bob");

    static Https.Reply withToken(String token, HttpRequest.Builder request) throws Exception {
        return site.as(null).send(request.header("Authorization", "Bearer " + token).build());
    }

    static Https.Reply whoami(String token) throws Exception {
        return withToken(token, HttpRequest.newBuilder(site.server().https("/api/v1/whoami")));
    }

    static JsonNode issue(TestPki.Credential who, String body) throws Exception {
        Https.Reply r = site.as(who).send(HttpRequest.newBuilder(site.server().https("/api/v1/tokens"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
        assertEquals(200, r.status(), r.body());
        return r.json();
    }

    static void assertRefused(Https.Reply r, String reason) {
        assertEquals(401, r.status(), r.body());
        assertEquals("invalid_token", r.error());
        assertTrue(r.json().path("message").asText().contains(reason), r.body());
        String header = r.raw().headers().firstValue("WWW-Authenticate").orElse("");
        assertTrue(header.startsWith("Bearer error=\"invalid_token\""), header);
    }

    static String signed(JWSAlgorithm alg, com.nimbusds.jose.JWSSigner signer, String kid, JWTClaimsSet claims)
            throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(kid).type(JOSEObjectType.JWT).build(), claims);
        jwt.sign(signer);
        return jwt.serialize();
    }

    static JWTClaimsSet claims(String issuer, String sub, Instant exp) {
        return new JWTClaimsSet.Builder().issuer(issuer).subject(sub).issueTime(new Date())
                .expirationTime(Date.from(exp)).build();
    }

    @Test
    void aCertificateHolderGetsATokenThatWorksWithoutTheCertificate() throws Exception {
        JsonNode issued = issue(alice, "");
        assertEquals("Bearer", issued.path("token_type").asText());
        assertEquals("weak", issued.path("tier").asText(), "capped by tokens.max_tier (weak by default)");
        assertEquals("alice", issued.path("account").asText());
        Instant expires = Instant.parse(issued.path("expires").asText());
        assertTrue(Duration.between(Instant.now(), expires).toSeconds() > 3500, "the configured lifetime: " + expires);

        String token = issued.path("token").asText();
        JsonNode me = whoami(token).json();
        assertEquals(alice.dn(), me.path("dn").asText());
        assertEquals("weak", me.path("tier").asText());
        assertEquals("alice", me.path("account").asText());
        assertTrue(me.path("token").asBoolean());
        assertEquals("sandgate", me.path("issuer").asText());

        Https.Reply call = withToken(token, HttpRequest.newBuilder(site.server().https("/api/v1/services/echo/echo"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"args\": [\"hi\"]}")));
        assertEquals(200, call.status(), call.body());
        Https.Reply tooCostly = withToken(token, HttpRequest.newBuilder(site.server().https("/api/v1/services/sleepy/add"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"args\": [4000, 1, 2]}")));
        assertEquals(403, tooCostly.status(), "the token is worth the weak tier only: " + tooCostly.body());
        assertEquals("insufficient_credential", tooCostly.error());
    }

    @Test
    void aShorterLifetimeMayBeAskedButNotALongerOne() throws Exception {
        Instant shortOne = Instant.parse(issue(alice, "{\"lifetime_seconds\": 120}").path("expires").asText());
        assertTrue(Duration.between(Instant.now(), shortOne).toSeconds() <= 120);
        Instant capped = Instant.parse(issue(alice, "{\"lifetime_seconds\": 999999999}").path("expires").asText());
        assertTrue(Duration.between(Instant.now(), capped).toSeconds() <= 3600, capped.toString());
    }

    @Test
    void tokensAreIssuedToCertificateHoldersOnly() throws Exception {
        String token = issue(alice, "").path("token").asText();
        Https.Reply again = withToken(token, HttpRequest.newBuilder(site.server().https("/api/v1/tokens"))
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertEquals(403, again.status(), again.body());
        Https.Reply anonymous = site.as(null).send(HttpRequest.newBuilder(
                site.server().https("/api/v1/tokens")).POST(HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(403, anonymous.status(), anonymous.body());
    }

    @Test
    void tokensOfTrustedExternalIssuersAreAcceptedAtTheirTierAndNoHigherThanTheCeiling() throws Exception {
        Instant in10 = Instant.now().plusSeconds(600);
        String rs256 = signed(JWSAlgorithm.RS256, new RSASSASigner(idpRsa), "rsa-1", claims("https://idp-rsa.test", bob.dn(), in10));
        JsonNode me = whoami(rs256).json();
        assertEquals(bob.dn(), me.path("dn").asText());
        assertEquals("bob", me.path("account").asText(), "mapped by the grid-mapfile like a certificate");
        assertEquals("weak", me.path("tier").asText(), "issuer says strong, tokens.max_tier says weak");
        String rs512 = signed(JWSAlgorithm.RS512, new RSASSASigner(idpRsa), "rsa-1", claims("https://idp-rsa.test", bob.dn(), in10));
        assertEquals(200, whoami(rs512).status());
        String es256 = signed(JWSAlgorithm.ES256, new ECDSASigner(idpEc), "ec-1", claims("https://idp-ec.test", bob.dn(), in10));
        assertEquals("weak", whoami(es256).json().path("tier").asText());
    }

    /** Signs exactly these claims bytes, as an issuer with another JSON library could. */
    static String signedRaw(String claimsJson) throws Exception {
        com.nimbusds.jose.JWSObject jws = new com.nimbusds.jose.JWSObject(new JWSHeader.Builder(JWSAlgorithm.RS256)
                .keyID("rsa-1").type(JOSEObjectType.JWT).build(), new com.nimbusds.jose.Payload(claimsJson));
        jws.sign(new RSASSASigner(idpRsa));
        return jws.serialize();
    }

    @Test
    void aTokenWithADuplicateClaimOrDataAfterItsClaimsIsRefused() throws Exception {
        long exp = Instant.now().plusSeconds(600).getEpochSecond();
        String good = "{\"iss\":\"https://idp-rsa.test\",\"sub\":\"" + bob.dn() + "\",\"exp\":" + exp + "}";
        assertEquals(200, whoami(signedRaw(good)).status(), "the raw signing itself works");
        String twoSubjects = "{\"iss\":\"https://idp-rsa.test\",\"sub\":\"" + bob.dn() + "\",\"exp\":" + exp
                + ",\"sub\":\"" + alice.dn() + "\"}";
        assertRefused(whoami(signedRaw(twoSubjects)), "duplicate key 'sub'");
        assertRefused(whoami(signedRaw(good + "{\"sub\":\"" + alice.dn() + "\"}")), "more data after the JSON document");
    }

    @Test
    void badTokensAreRefusedWithWwwAuthenticate() throws Exception {
        Instant in10 = Instant.now().plusSeconds(600);
        assertRefused(whoami("not.a.token"), "not a JWT");
        String expired = signed(JWSAlgorithm.RS256, new RSASSASigner(idpRsa), "rsa-1",
                claims("https://idp-rsa.test", bob.dn(), Instant.now().minusSeconds(3600)));
        assertRefused(whoami(expired), "expired");

        String good = issue(alice, "").path("token").asText();
        String[] parts = good.split("\\.");
        String otherClaims = Base64URL.encode(claims("sandgate", bob.dn(), in10).toString().getBytes(StandardCharsets.UTF_8)).toString();
        assertRefused(whoami(parts[0] + "." + otherClaims + "." + parts[2]), "not valid");

        String none = new PlainJWT(claims("sandgate", alice.dn(), in10)).serialize();
        assertRefused(whoami(none), "unsigned");

        byte[] publicKeyAsSecret = Files.readAllBytes(pki.conf.resolve("idp-rsa.pem"));
        String confused = signed(JWSAlgorithm.HS256, new MACSigner(publicKeyAsSecret), "rsa-1",
                claims("https://idp-rsa.test", alice.dn(), in10));
        assertRefused(whoami(confused), "HS256 is not accepted");

        RSAKey stranger = new RSAKeyGenerator(2048).generate();
        String unknownIssuer = signed(JWSAlgorithm.RS256, new RSASSASigner(stranger), null,
                claims("https://elsewhere.test", alice.dn(), in10));
        assertRefused(whoami(unknownIssuer), "not accepted here");
        String forged = signed(JWSAlgorithm.RS256, new RSASSASigner(stranger), "rsa-1",
                claims("https://idp-rsa.test", alice.dn(), in10));
        assertRefused(whoami(forged), "not valid");

        List<String> audit = Files.readAllLines(dir.resolve("var/logs/audit.log"));
        assertTrue(audit.stream().anyMatch(l -> l.contains("\"credential\":\"token\"") && l.contains("invalid_token: the token has expired")),
                "refused tokens are audited");
    }
}
