package org.sandgate.server.tokens;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.sandgate.server.config.SandgateConfig;
import org.sandgate.server.identity.CertificateIdentity;
import org.sandgate.server.identity.DistinguishedNames;
import org.sandgate.server.identity.Identity;
import org.sandgate.server.identity.ProxyKind;
import org.sandgate.server.identity.ProxyPolicyKind;
import org.sandgate.service.Tier;

/**
 * Bearer tokens (JWT, with nimbus-jose-jwt). This server issues ES256 tokens to certificate holders,
 * signed with its own key (made on first start, kept mode 600 in the data directory), and accepts
 * those and the tokens of configured external issuers (RS256, RS512 or ES256 with their public keys
 * from a JWKS or PEM file). Unsigned tokens ({@code alg: none}), HMAC algorithms (so a public key can
 * never be used as an HMAC secret), unknown issuers, bad signatures and expired tokens are refused.
 * A token is never worth more than the tier it was issued for, its issuer's tier, or
 * {@code tokens.max_tier}.
 */
public final class TokenService {
    private static final Set<JWSAlgorithm> ACCEPTED = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS512, JWSAlgorithm.ES256);
    private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z ]+)-----[^-]+-----END \\1-----");

    /** A token issued: the token, when it expires, and what it is worth. */
    public record Issued(String token, Instant expires, Tier tier, String account) {
    }

    private record Issuer(String name, JWKSet keys, Tier tier) {
    }

    /** Whether the certificate a token was obtained with still proves its holder. */
    @FunctionalInterface
    public interface CertificateCheck {
        /** Why the certificate no longer does, or empty while it does. */
        Optional<String> refusal(java.security.cert.X509Certificate certificate);
    }

    private final ECKey signingKey;
    private final Clock clock;
    private final TokenRevocations revocations;
    private final CertificateCheck certificates;
    private volatile SandgateConfig.Tokens settings;
    private volatile Map<String, Issuer> issuers;

    private TokenService(ECKey signingKey, Clock clock, TokenRevocations revocations, CertificateCheck certificates) {
        this.signingKey = signingKey;
        this.clock = clock;
        this.revocations = revocations;
        this.certificates = certificates;
    }

    /**
     * Loads (or makes, on first start) the signing key and the trusted issuers' keys.
     *
     * @param keyFile where the signing key is kept
     * @param confDir configuration directory, for relative key file paths
     * @param revocations  the tokens administrators revoked
     * @param certificates checks that the certificate a token of this server was obtained with still holds
     * @throws IOException naming the file that cannot be read
     */
    public static TokenService create(SandgateConfig.Tokens settings, Path keyFile, Path confDir, Clock clock,
                                      TokenRevocations revocations, CertificateCheck certificates)
            throws IOException {
        TokenService service = new TokenService(signingKey(keyFile), clock, revocations, certificates);
        service.configure(settings, confDir);
        return service;
    }

    private static ECKey signingKey(Path file) throws IOException {
        try {
            if (Files.exists(file)) {
                return ECKey.parse(Files.readString(file, StandardCharsets.UTF_8));
            }
            ECKey key = new ECKeyGenerator(Curve.P_256).keyIDFromThumbprint(true).generate();
            Files.createDirectories(file.getParent());
            Path temp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.deleteIfExists(temp);
            Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(temp, key.toJSONString(), StandardCharsets.UTF_8);
            Files.move(temp, file);
            return key;
        } catch (ParseException | JOSEException e) {
            throw new IOException("token signing key " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Takes new settings (at start and on reload).
     *
     * @throws IOException naming an issuer's key file that cannot be read
     */
    public void configure(SandgateConfig.Tokens tokens, Path confDir) throws IOException {
        Map<String, Issuer> next = new HashMap<>();
        for (SandgateConfig.TrustedIssuer t : tokens.trusted()) {
            next.put(t.issuer(), new Issuer(t.issuer(), keys(confDir.resolve(t.keys())), t.tier()));
        }
        next.put(tokens.issuer(), new Issuer(tokens.issuer(), new JWKSet(signingKey.toPublicJWK()), Tier.STRONG));
        this.issuers = Map.copyOf(next);
        this.settings = tokens;
    }

    private static JWKSet keys(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        try {
            if (text.strip().startsWith("{")) {
                return JWKSet.parse(text);
            }
            List<JWK> keys = new ArrayList<>();
            Matcher m = PEM.matcher(text);
            while (m.find()) {
                keys.add(JWK.parseFromPEMEncodedObjects(m.group()));
            }
            if (keys.isEmpty()) {
                throw new IOException("token issuer keys " + file + ": neither a JWKS nor PEM public keys");
            }
            return new JWKSet(keys);
        } catch (ParseException | JOSEException e) {
            throw new IOException("token issuer keys " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Issues a token to a certificate holder.
     *
     * @param lifetime asked for; capped by {@code tokens.lifetime_seconds} and the certificate's end
     */
    public Issued issue(CertificateIdentity holder, Tier tier, String account, Optional<Duration> lifetime) {
        SandgateConfig.Tokens s = settings;
        Instant now = clock.instant();
        Duration longest = s.lifetime();
        Duration asked = lifetime.filter(d -> d.compareTo(longest) < 0).orElse(longest);
        Instant expires = now.plus(asked);
        if (holder.expires().isBefore(expires)) {
            expires = holder.expires();
        }
        Tier worth = min(tier, s.maxTier());
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(s.issuer())
                .subject(holder.dn())
                .claim("dn_canonical", holder.canonical())
                .claim("cert", certificateClaim(holder))
                .claim("x5c", List.of(Base64.getEncoder().encodeToString(encoded(holder))))
                .claim("account", account)
                .claim("tier", worth.wireName())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(expires))
                .jwtID(UUID.randomUUID().toString())
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(signingKey.getKeyID())
                .type(JOSEObjectType.JWT).build(), claims);
        try {
            jwt.sign(new ECDSASigner(signingKey));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a token", e);
        }
        return new Issued(jwt.serialize(), expires, worth, account);
    }

    private static byte[] encoded(CertificateIdentity holder) {
        try {
            return holder.certificate().orElseThrow(() -> new IllegalStateException("tokens bind to a certificate"))
                    .certificate().getEncoded();
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException("cannot encode the certificate", e);
        }
    }

    private static Map<String, Object> certificateClaim(CertificateIdentity holder) {
        org.sandgate.server.identity.CertificateReference ref = holder.certificate().orElseThrow();
        return Map.of("issuer", ref.issuer(), "serial", ref.serial().toString(16), "x5t#S256", ref.thumbprint());
    }

    /** The revocations administrators made. */
    public TokenRevocations revocations() {
        return revocations;
    }

    /** The longest lifetime of a token this server issues. */
    public Duration longestLifetime() {
        return settings.lifetime();
    }

    /**
     * The certificate a token of this server was obtained with, from its claims, checked against the
     * thumbprint it is bound to.
     */
    private static java.security.cert.X509Certificate boundCertificate(JWTClaimsSet claims) throws TokenException {
        try {
            Map<String, Object> cert = claims.getJSONObjectClaim("cert");
            List<String> x5c = claims.getStringListClaim("x5c");
            if (cert == null || x5c == null || x5c.isEmpty() || !(cert.get("x5t#S256") instanceof String print)) {
                throw new TokenException("the token is bound to no certificate (issued by an earlier version?): "
                        + "obtain a new one");
            }
            java.security.cert.X509Certificate c = (java.security.cert.X509Certificate)
                    java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(
                            new java.io.ByteArrayInputStream(Base64.getDecoder().decode(x5c.get(0))));
            if (!org.sandgate.server.identity.CertificateReference.thumbprint(c).equals(print)) {
                throw new TokenException("the token's certificate does not match its thumbprint");
            }
            return c;
        } catch (ParseException | java.security.cert.CertificateException | IllegalArgumentException e) {
            throw new TokenException("the token's certificate binding cannot be read");
        }
    }

    /**
     * The identity a bearer token vouches for.
     *
     * @throws TokenException saying why the token is refused
     */
    public Identity verify(String token) throws TokenException {
        JWT parsed;
        try {
            parsed = JWTParser.parse(token);
        } catch (ParseException e) {
            throw new TokenException("not a JWT");
        }
        if (!(parsed instanceof SignedJWT signed)) {
            throw new TokenException("unsigned tokens are not accepted");
        }
        requireStrictJson(signed);
        if (!ACCEPTED.contains(signed.getHeader().getAlgorithm())) {
            throw new TokenException("algorithm " + signed.getHeader().getAlgorithm() + " is not accepted (RS256, RS512, ES256)");
        }
        String iss;
        try {
            iss = signed.getJWTClaimsSet().getIssuer();
        } catch (ParseException e) {
            throw new TokenException("the token's claims cannot be read");
        }
        Issuer issuer = iss == null ? null : issuers.get(iss);
        if (issuer == null) {
            throw new TokenException("tokens of issuer '" + (iss == null ? "" : iss) + "' are not accepted here");
        }
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector((header, context) -> {
            try {
                return keysFor(header, issuer.keys());
            } catch (JOSEException e) {
                throw new com.nimbusds.jose.KeySourceException("the issuer's key cannot be used: " + e.getMessage(), e);
            }
        });
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(
                new JWTClaimsSet.Builder().issuer(issuer.name()).build(), Set.of("sub", "exp")) {
            @Override
            protected Date currentTime() {
                return Date.from(clock.instant());
            }
        });
        JWTClaimsSet claims;
        try {
            claims = processor.process(signed, null);
        } catch (BadJOSEException e) {
            throw new TokenException(e.getMessage().contains("xpired") ? "the token has expired"
                    : "the token is not valid: " + e.getMessage());
        } catch (JOSEException e) {
            throw new TokenException("the token's signature cannot be checked: " + e.getMessage());
        }
        String sub = claims.getSubject();
        if (issuer.name().equals(settings.issuer())) {
            java.security.cert.X509Certificate bound = boundCertificate(claims);
            Optional<String> gone = certificates.refusal(bound);
            if (gone.isPresent()) {
                throw new TokenException("the certificate this token was obtained with no longer holds: " + gone.get());
            }
        }
        if (!DistinguishedNames.isSlashForm(sub)) {
            throw new TokenException("the token's subject is not a DN in slash form");
        }
        Tier tier = min(issuer.tier(), settings.maxTier());
        Object claimed = claims.getClaim("tier");
        if (claimed instanceof String t) {
            tier = min(tier, Tier.fromWireName(t).orElse(Tier.ANONYMOUS));
        }
        if (tier == Tier.ANONYMOUS) {
            return Identity.anonymous();
        }
        String rfc2253 = DistinguishedNames.rfc2253OfSlashForm(sub);
        // this server's tokens name the subject exactly; others' are read as their slash form reads
        Object exact = claims.getClaim("dn_canonical");
        javax.security.auth.x500.X500Principal principal;
        try {
            principal = exact instanceof String c && iss.equals(settings.issuer())
                    ? new javax.security.auth.x500.X500Principal(c)
                    : new javax.security.auth.x500.X500Principal(DistinguishedNames.canonicalOfSlashForm(sub)
                            .orElseThrow(() -> new IllegalArgumentException(sub)));
        } catch (IllegalArgumentException e) {
            throw new TokenException("the token's subject is not a DN");
        }
        String canonical = DistinguishedNames.canonicalForm(principal);
        Date issued = claims.getIssueTime();
        if (revocations.isRevoked(claims.getJWTID(), canonical, issued == null ? null : issued.toInstant())) {
            throw new TokenException("the token was revoked by an administrator");
        }
        CertificateIdentity subject = new CertificateIdentity(sub, rfc2253, iss, ProxyKind.NONE, false,
                claims.getExpirationTime().toInstant(), canonical, ProxyPolicyKind.NONE, false, List.of(),
                DistinguishedNames.ambiguity(principal), Optional.empty());
        return new Identity(tier, Optional.of(subject), Optional.of(claims.toJSONObject()));
    }

    /**
     * The issuer's keys that can check a signature of this header's algorithm. A key id in the header
     * must match the key's, when the key has one (keys read from PEM have none).
     */
    private static List<java.security.Key> keysFor(JWSHeader header, JWKSet keys) throws JOSEException {
        JWSAlgorithm alg = header.getAlgorithm();
        List<java.security.Key> out = new ArrayList<>();
        if (!ACCEPTED.contains(alg)) {
            return out;
        }
        for (JWK key : keys.getKeys()) {
            if (key.getKeyID() != null && header.getKeyID() != null && !key.getKeyID().equals(header.getKeyID())) {
                continue;
            }
            if (key instanceof com.nimbusds.jose.jwk.RSAKey rsa && JWSAlgorithm.Family.RSA.contains(alg)) {
                out.add(rsa.toRSAPublicKey());
            } else if (key instanceof ECKey ec && alg.equals(JWSAlgorithm.ES256) && Curve.P_256.equals(ec.getCurve())) {
                out.add(ec.toECPublicKey());
            }
        }
        return out;
    }

    private static Tier min(Tier a, Tier b) {
        return a.ordinal() <= b.ordinal() ? a : b;
    }

    /**
     * The header and the claims must each be one strict JSON object: a duplicate claim or data after
     * it would let a parser other than this one (a portal's, the issuer's) read another subject.
     */
    private static void requireStrictJson(SignedJWT signed) throws TokenException {
        com.nimbusds.jose.util.Base64URL[] parts = signed.getParsedParts();
        for (int i = 0; i < 2; i++) {
            try {
                org.sandgate.server.json.StrictJson.parse(parts[i].decodeToString());
            } catch (org.sandgate.server.json.StrictJson.InvalidJsonException e) {
                throw new TokenException("the token's " + (i == 0 ? "header" : "claims") + " are not strict JSON: "
                        + e.getMessage());
            }
        }
    }
}
