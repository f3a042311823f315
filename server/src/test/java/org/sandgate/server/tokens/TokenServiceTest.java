package org.sandgate.server.tokens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sandgate.server.ca.DevCa;
import org.sandgate.server.config.ConfigLoader;
import org.sandgate.server.config.SandgateConfig;
import org.sandgate.server.identity.CertificateIdentity;
import org.sandgate.server.identity.CertificateReference;
import org.sandgate.server.identity.DistinguishedNames;
import org.sandgate.server.identity.Identity;
import org.sandgate.server.identity.ProxyKind;
import org.sandgate.server.identity.ProxyPolicyKind;
import org.sandgate.service.Tier;

/**
 * The token rules, with a clock the test moves and a certificate check the test decides: what a
 * token of this server is worth, how long it lives, and each reason one is refused.
 */
class TokenServiceTest {
    static DevCa ca;
    static X509Certificate aliceCert;

    @TempDir
    Path dir;
    final MovableClock clock = new MovableClock(Instant.now());
    Optional<String> certificateRefusal = Optional.empty();
    TokenRevocations revocations;
    TokenService tokens;

    /** A clock that stands still until the test moves it. */
    static final class MovableClock extends Clock {
        private volatile Instant now;

        MovableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    @BeforeAll
    static void certificates() {
        ca = DevCa.create("/O=Token Test/CN=Token Test CA", Duration.ofDays(2));
        aliceCert = ca.issueUser("/O=Token Test/OU=People/CN=Alice", Duration.ofDays(1)).certificate();
    }

    static SandgateConfig.Tokens settings(String yaml) {
        return new ConfigLoader().parse("test", yaml).tokens();
    }

    TokenService service(String yaml) throws Exception {
        return TokenService.create(settings(yaml), dir.resolve("state/key.jwk"), dir, clock, revocations,
                certificate -> certificateRefusal);
    }

    @BeforeEach
    void start() throws Exception {
        revocations = new TokenRevocations(dir.resolve("state/revoked.json"), clock);
        tokens = service("tokens:\n  lifetime_seconds: 600\n  max_tier: strong\n");
    }

    static CertificateIdentity holder(X509Certificate cert) {
        X500Principal subject = cert.getSubjectX500Principal();
        return new CertificateIdentity(DistinguishedNames.slashForm(subject), subject.getName(),
                DistinguishedNames.slashForm(cert.getIssuerX500Principal()), ProxyKind.NONE, false,
                cert.getNotAfter().toInstant(), DistinguishedNames.canonicalForm(subject), ProxyPolicyKind.NONE, false,
                List.of(), Optional.empty(), Optional.of(CertificateReference.of(cert)));
    }

    String issue(Tier tier) {
        return tokens.issue(holder(aliceCert), tier, "alice", Optional.empty()).token();
    }

    String refusal(String token) {
        return assertThrows(TokenException.class, () -> tokens.verify(token)).getMessage();
    }

    @Test
    void aTokenVouchesForItsHolderAtTheTierItWasIssuedFor() throws Exception {
        Identity who = tokens.verify(issue(Tier.STRONG));
        assertEquals(Tier.STRONG, who.tier());
        assertEquals(Optional.of("/O=Token Test/OU=People/CN=Alice"), who.dn());
        assertEquals(Optional.of(DistinguishedNames.canonicalForm(aliceCert.getSubjectX500Principal())), who.canonical());
        assertTrue(who.viaToken());
        assertEquals(Tier.WEAK, tokens.verify(issue(Tier.WEAK)).tier());
    }

    @Test
    void aTokenIsNeverWorthMoreThanMaxTier() throws Exception {
        tokens = service("tokens:\n  lifetime_seconds: 600\n");
        TokenService.Issued issued = tokens.issue(holder(aliceCert), Tier.STRONG, "alice", Optional.empty());
        assertEquals(Tier.WEAK, issued.tier(), "max_tier is weak by default");
        assertEquals(Tier.WEAK, tokens.verify(issued.token()).tier());
    }

    @Test
    void theLifetimeIsTheShortestOfTheAskedTheConfiguredAndTheCertificates() {
        Instant now = clock.instant();
        assertEquals(now.plusSeconds(600),
                tokens.issue(holder(aliceCert), Tier.STRONG, "alice", Optional.empty()).expires());
        assertEquals(now.plusSeconds(60),
                tokens.issue(holder(aliceCert), Tier.STRONG, "alice", Optional.of(Duration.ofSeconds(60))).expires());
        assertEquals(now.plusSeconds(600),
                tokens.issue(holder(aliceCert), Tier.STRONG, "alice", Optional.of(Duration.ofDays(9))).expires());
        X509Certificate shortLived = ca.issueUser("/O=Token Test/OU=People/CN=Brief", Duration.ofSeconds(100)).certificate();
        Instant end = shortLived.getNotAfter().toInstant();
        assertEquals(end, tokens.issue(holder(shortLived), Tier.STRONG, "brief", Optional.empty()).expires());
    }

    @Test
    void aTokenIsRefusedOnceItsTimeHasPassedOnTheServicesClock() throws Exception {
        String token = issue(Tier.STRONG);
        clock.advance(Duration.ofSeconds(599));
        assertEquals(Tier.STRONG, tokens.verify(token).tier());
        clock.advance(Duration.ofSeconds(120));
        assertEquals("the token has expired", refusal(token));
    }

    @Test
    void aTokenDiesWithTheCertificateItWasObtainedWith() throws Exception {
        String token = issue(Tier.STRONG);
        certificateRefusal = Optional.of("the certificate is revoked");
        assertTrue(refusal(token).contains("no longer holds: the certificate is revoked"));
    }

    @Test
    void anAdministratorRevokesOneTokenOrEveryTokenOfASubjectIssuedSoFar() throws Exception {
        String first = issue(Tier.STRONG);
        String second = issue(Tier.STRONG);
        revocations.revokeToken(SignedJWT.parse(first).getJWTClaimsSet().getJWTID(), clock.instant().plusSeconds(600),
                "admin");
        assertEquals("the token was revoked by an administrator", refusal(first));
        assertEquals(Tier.STRONG, tokens.verify(second).tier(), "only that token");

        clock.advance(Duration.ofSeconds(1));
        revocations.revokeSubject(DistinguishedNames.canonicalForm(aliceCert.getSubjectX500Principal()),
                tokens.longestLifetime(), "admin");
        assertEquals("the token was revoked by an administrator", refusal(second));
        clock.advance(Duration.ofSeconds(1));
        assertEquals(Tier.STRONG, tokens.verify(issue(Tier.STRONG)).tier(), "a token issued after it works");
    }

    @Test
    void unsignedAndHmacTokensAreRefusedWhateverTheyClaim() throws Exception {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer("sandgate").subject("/O=Token Test/OU=People/CN=Alice")
                .expirationTime(Date.from(clock.instant().plusSeconds(60))).claim("tier", "strong").build();
        assertEquals("unsigned tokens are not accepted", refusal(new PlainJWT(claims).serialize()));
        SignedJWT hmac = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        hmac.sign(new MACSigner(new byte[32]));
        assertTrue(refusal(hmac.serialize()).startsWith("algorithm HS256 is not accepted"));
        assertEquals("not a JWT", refusal("not.a.token"));
    }

    @Test
    void aTokenOfAnotherKeyOrAnotherIssuerOrWithChangedClaimsIsRefused() throws Exception {
        ECKey other = new ECKeyGenerator(Curve.P_256).generate();
        JWTClaimsSet claims = SignedJWT.parse(issue(Tier.WEAK)).getJWTClaimsSet();
        SignedJWT forged = new SignedJWT(new JWSHeader(JWSAlgorithm.ES256), claims);
        forged.sign(new ECDSASigner(other));
        assertTrue(refusal(forged.serialize()).startsWith("the token is not valid"), refusal(forged.serialize()));

        SignedJWT elsewhere = new SignedJWT(new JWSHeader(JWSAlgorithm.ES256),
                new JWTClaimsSet.Builder(claims).issuer("https://elsewhere.test").build());
        elsewhere.sign(new ECDSASigner(other));
        assertEquals("tokens of issuer 'https://elsewhere.test' are not accepted here", refusal(elsewhere.serialize()));

        String[] parts = issue(Tier.WEAK).split("\\.");
        String raised = Base64URL.encode(new JWTClaimsSet.Builder(SignedJWT.parse(String.join(".", parts))
                .getJWTClaimsSet()).claim("tier", "strong").build().toString()).toString();
        assertTrue(refusal(parts[0] + "." + raised + "." + parts[2]).startsWith("the token is not valid"));
    }

    @Test
    void claimsThatAreNotOneStrictJsonObjectAreRefusedBeforeAnythingReadsThem() throws Exception {
        String doubled = "{\"iss\":\"sandgate\",\"sub\":\"/O=Token Test/OU=People/CN=Alice\","
                + "\"sub\":\"/O=Token Test/OU=People/CN=Mallory\",\"exp\":" + (clock.instant().getEpochSecond() + 60) + "}";
        JWSObject jws = new JWSObject(new JWSHeader(JWSAlgorithm.ES256), new Payload(doubled));
        jws.sign(new ECDSASigner(new ECKeyGenerator(Curve.P_256).generate()));
        assertTrue(refusal(jws.serialize()).startsWith("the token's claims are not strict JSON"), refusal(jws.serialize()));
    }

    @Test
    void theSigningKeyIsKeptOwnerOnlyAndOutlivesTheService() throws Exception {
        String token = issue(Tier.STRONG);
        Path key = dir.resolve("state/key.jwk");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        TokenService again = service("tokens:\n  lifetime_seconds: 600\n  max_tier: strong\n");
        assertEquals(Tier.STRONG, again.verify(token).tier(), "a restarted server accepts the tokens it issued");
    }
}
