package org.sandgate.server.identity;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Which certificate an identity was proven with: its issuer (canonical RFC 2253), serial number and
 * SHA-256 thumbprint. Tokens carry it so they die with the certificate.
 *
 * @param issuer     the issuer in canonical RFC 2253 form
 * @param serial     the serial number
 * @param thumbprint the SHA-256 of the DER encoding, lower-case hex
 * @param certificate the certificate itself
 */
public record CertificateReference(String issuer, BigInteger serial, String thumbprint, X509Certificate certificate) {
    public CertificateReference {
        Objects.requireNonNull(certificate);
        Objects.requireNonNull(issuer);
        Objects.requireNonNull(serial);
        Objects.requireNonNull(thumbprint);
    }

    /** The SHA-256 thumbprint of a certificate's DER encoding, lower-case hex. */
    public static String thumbprint(X509Certificate certificate) {
        return of(certificate).thumbprint();
    }

    /** The reference of a certificate. */
    public static CertificateReference of(X509Certificate certificate) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return new CertificateReference(
                    certificate.getIssuerX500Principal().getName(javax.security.auth.x500.X500Principal.CANONICAL),
                    certificate.getSerialNumber(), HexFormat.of().formatHex(digest), certificate);
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("cannot take the thumbprint of a certificate", e);
        }
    }
}
