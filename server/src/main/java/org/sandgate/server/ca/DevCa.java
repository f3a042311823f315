package org.sandgate.server.ca;

import eu.emi.security.authn.x509.helpers.trust.OpensslTruststoreHelper;
import eu.emi.security.authn.x509.impl.CertificateUtils;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.sandgate.server.identity.DistinguishedNames;

/**
 * A development certificate authority, so that demos and tests need no external PKI. It issues host
 * and user certificates, keeps a list of revoked serials, makes CRLs, and installs itself into a
 * trust directory in the OpenSSL/IGTF layout (hash-named CA file, CRL, signing policy, namespaces).
 *
 * <p>A CA directory holds {@code ca.pem}, {@code ca.key} (mode 600) and {@code revoked} (one serial
 * in hex per line).
 */
public final class DevCa {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern HEX = Pattern.compile("[0-9a-f]+");

    private final X509Certificate certificate;
    private final PrivateKey key;

    private DevCa(X509Certificate certificate, PrivateKey key) {
        this.certificate = certificate;
        this.key = key;
    }

    /**
     * Makes a new self-signed CA.
     *
     * @param subject  the CA's subject in slash form, e.g. {@code /O=Sandgate Demo/CN=Sandgate Demo CA}
     * @param validity how long it is valid from now
     */
    public static DevCa create(String subject, Duration validity) {
        try {
            KeyPair pair = newKeyPair();
            X500Name name = x500(subject);
            Instant now = Instant.now();
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, newSerial(),
                    Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(validity)), name, pair.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
            return new DevCa(sign(b, pair.getPrivate()), pair.getPrivate());
        } catch (GeneralSecurityException | IOException e) {
            throw new CaException("cannot create the CA: " + e.getMessage());
        }
    }

    /** Loads a CA saved with {@link #save}. */
    public static DevCa load(Path dir) {
        Path certFile = dir.resolve("ca.pem");
        Path keyFile = dir.resolve("ca.key");
        if (!Files.isRegularFile(certFile) || !Files.isRegularFile(keyFile)) {
            throw new CaException(dir + " is not a CA directory (no ca.pem and ca.key): make one with 'ca init'");
        }
        try (InputStream c = Files.newInputStream(certFile); InputStream k = Files.newInputStream(keyFile)) {
            X509Certificate cert = CertificateUtils.loadCertificate(c, CertificateUtils.Encoding.PEM);
            PrivateKey key = CertificateUtils.loadPrivateKey(k, CertificateUtils.Encoding.PEM, null);
            return new DevCa(cert, key);
        } catch (IOException e) {
            throw new CaException("cannot read the CA in " + dir + ": " + e.getMessage());
        }
    }

    /** Saves the CA's certificate and key into a directory. */
    public void save(Path dir) throws IOException {
        Files.createDirectories(dir);
        Pem.writeCertificates(dir.resolve("ca.pem"), certificate);
        Pem.writePrivateKey(dir.resolve("ca.key"), key);
    }

    /** The CA certificate. */
    public X509Certificate certificate() {
        return certificate;
    }

    /** The CA's subject in slash form. */
    public String subject() {
        return DistinguishedNames.slashForm(certificate.getSubjectX500Principal());
    }

    /** The part of the CA subject that the subjects it issues start with: the subject without its last RDN. */
    public String namespace() {
        String subject = subject();
        int last = subject.lastIndexOf("/CN=");
        return last > 0 ? subject.substring(0, last) : subject;
    }

    /** The OpenSSL 1.x subject hash that names the CA's files in a trust directory. */
    public String opensslHash() {
        return OpensslTruststoreHelper.getOpenSSLCAHash(certificate.getSubjectX500Principal(), true);
    }

    /**
     * Issues a host certificate for TLS servers.
     *
     * @param hostname the host's name (CN and first DNS name)
     * @param altNames further DNS names or IP addresses
     */
    public IssuedCredential issueHost(String hostname, List<String> altNames, Duration validity) {
        List<GeneralName> names = new ArrayList<>();
        names.add(new GeneralName(GeneralName.dNSName, hostname));
        for (String alt : altNames) {
            names.add(isIpAddress(alt) ? new GeneralName(GeneralName.iPAddress, alt)
                    : new GeneralName(GeneralName.dNSName, alt));
        }
        Instant now = Instant.now();
        return issue(namespace() + "/CN=" + hostname, now.minus(Duration.ofMinutes(5)), now.plus(validity),
                KeyUsage.digitalSignature | KeyUsage.keyEncipherment,
                new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth},
                new GeneralNames(names.toArray(new GeneralName[0])));
    }

    /** Issues a user certificate valid from five minutes ago for the given time. */
    public IssuedCredential issueUser(String subject, Duration validity) {
        Instant now = Instant.now();
        return issueUser(subject, now.minus(Duration.ofMinutes(5)), now.plus(validity));
    }

    /** Issues a user certificate for TLS client authentication, valid in the given window. */
    public IssuedCredential issueUser(String subject, Instant notBefore, Instant notAfter) {
        return issue(subject, notBefore, notAfter,
                KeyUsage.digitalSignature | KeyUsage.keyEncipherment | KeyUsage.dataEncipherment,
                new KeyPurposeId[] {KeyPurposeId.id_kp_clientAuth}, null);
    }

    /**
     * Issues a certificate with any key usage and extended key usage; for tests of certificates that
     * are well signed but unfit for their use.
     *
     * @param keyUsage bits of {@link KeyUsage}
     * @param purposes extended key usages, or null for none
     * @param altNames subject alternative names, or null for none
     */
    public IssuedCredential issue(String subject, Instant notBefore, Instant notAfter, int keyUsage,
                                  KeyPurposeId[] purposes, GeneralNames altNames) {
        try {
            KeyPair pair = newKeyPair();
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(certificate, newSerial(),
                    Date.from(notBefore), Date.from(notAfter), x500(subject), pair.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(keyUsage));
            if (purposes != null) {
                b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purposes));
            }
            if (altNames != null) {
                b.addExtension(Extension.subjectAlternativeName, false, altNames);
            }
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
            b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(certificate));
            return new IssuedCredential(sign(b, key), pair.getPrivate());
        } catch (GeneralSecurityException | IOException e) {
            throw new CaException("cannot issue a certificate for " + subject + ": " + e.getMessage());
        }
    }

    /** A CRL listing these serials, valid from now for {@code validity}. */
    public X509CRL crl(List<BigInteger> revoked, Duration validity) {
        try {
            Instant now = Instant.now();
            X509v2CRLBuilder b = new X509v2CRLBuilder(
                    X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()),
                    Date.from(now.minus(Duration.ofMinutes(1))));
            b.setNextUpdate(Date.from(now.plus(validity)));
            for (BigInteger serial : revoked) {
                b.addCRLEntry(serial, Date.from(now.minus(Duration.ofMinutes(1))), CRLReason.keyCompromise);
            }
            b.addExtension(Extension.authorityKeyIdentifier, false,
                    new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(certificate));
            ContentSigner signer = new JcaContentSignerBuilder("SHA256withRSA").build(key);
            return new JcaX509CRLConverter().getCRL(b.build(signer));
        } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
            throw new CaException("cannot make a CRL: " + e.getMessage());
        }
    }

    /** Reads the serials revoked so far from a CA directory. */
    public static List<BigInteger> revokedSerials(Path caDir) throws IOException {
        Path file = caDir.resolve("revoked");
        List<BigInteger> serials = new ArrayList<>();
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file)) {
                String s = line.strip().toLowerCase();
                if (HEX.matcher(s).matches()) {
                    serials.add(new BigInteger(s, 16));
                }
            }
        }
        return serials;
    }

    /** Adds a serial to a CA directory's revocation list. */
    public static void revoke(Path caDir, BigInteger serial) throws IOException {
        List<BigInteger> serials = revokedSerials(caDir);
        if (!serials.contains(serial)) {
            serials.add(serial);
        }
        StringBuilder text = new StringBuilder();
        serials.forEach(s -> text.append(s.toString(16)).append('\n'));
        Pem.write(caDir.resolve("revoked"), text.toString(), "rw-r--r--");
    }

    /**
     * Installs the CA into a trust directory as {@code <hash>.0}, with its CRL as {@code <hash>.r0},
     * a Globus {@code <hash>.signing_policy} and an EUGridPMA {@code <hash>.namespaces} that allow
     * the subjects under {@link #namespace()}.
     */
    public void install(Path trustDir, X509CRL crl) throws IOException {
        Files.createDirectories(trustDir);
        String hash = opensslHash();
        Pem.writeCertificates(trustDir.resolve(hash + ".0"), certificate);
        Pem.writeCrl(trustDir.resolve(hash + ".r0"), crl);
        String subject = subject();
        Pem.write(trustDir.resolve(hash + ".signing_policy"),
                "# Globus signing policy of " + subject + "\n"
                + "access_id_CA X509 '" + subject + "'\n"
                + "pos_rights globus CA:sign\n"
                + "cond_subjects globus '\"" + namespace() + "/*\"'\n", "rw-r--r--");
        Pem.write(trustDir.resolve(hash + ".namespaces"),
                "# EUGridPMA namespaces of " + subject + "\n"
                + "TO Issuer \"" + subject + "\" \\\n"
                + "  PERMIT Subject \"" + namespace().replaceAll("([\\\\.\\[\\]()*+?^$|{}])", "\\\\$1")
                        + "/.*\"\n", "rw-r--r--");
    }

    /** Installs the CA with a CRL of the serials revoked in its directory. */
    public void install(Path trustDir, Path caDir) throws IOException {
        install(trustDir, crl(revokedSerials(caDir), Duration.ofDays(30)));
    }

    private static X500Name x500(String slashDn) {
        if (!DistinguishedNames.isSlashForm(slashDn)) {
            throw new CaException("'" + slashDn + "' is not a DN in slash form (/O=.../CN=...)");
        }
        X500NameBuilder name = new X500NameBuilder(BCStyle.INSTANCE);
        for (Map.Entry<String, String> attribute : DistinguishedNames.attributes(slashDn)) {
            ASN1ObjectIdentifier oid;
            try {
                oid = BCStyle.INSTANCE.attrNameToOID(attribute.getKey());
            } catch (IllegalArgumentException e) {
                throw new CaException("unknown attribute '" + attribute.getKey() + "' in " + slashDn);
            }
            name.addRDN(oid, attribute.getValue());
        }
        return name.build();
    }

    private static boolean isIpAddress(String s) {
        return s.matches("[0-9.]+") || s.contains(":");
    }

    private static KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048, RANDOM);
        return g.generateKeyPair();
    }

    private static BigInteger newSerial() {
        return new BigInteger(63, RANDOM).add(BigInteger.ONE);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer)
            throws GeneralSecurityException {
        try {
            ContentSigner s = new JcaContentSignerBuilder("SHA256withRSA").build(signer);
            X509CertificateHolder holder = builder.build(s);
            return new JcaX509CertificateConverter().getCertificate(holder);
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }
}
