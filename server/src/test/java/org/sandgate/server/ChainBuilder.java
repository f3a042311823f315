package org.sandgate.server;

import eu.emi.security.authn.x509.helpers.trust.OpensslTruststoreHelper;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
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
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.sandgate.server.ca.Pem;
import org.sandgate.server.identity.DistinguishedNames;
import org.sandgate.server.testkit.TestPki;

/**
 * Certificates with any X.500 name, for the names the development CA will not make: values over the
 * standard length bounds, slashes and backslashes inside values, multi-valued RDNs, sub-CAs. Names
 * are given as BouncyCastle {@link X500Name}s (built with {@link #name}) so nothing is re-parsed.
 */
final class ChainBuilder {
    private static final SecureRandom RANDOM = new SecureRandom();

    private ChainBuilder() {
    }

    /** One RDN (attribute label, value); several in one {@link #rdn} call make a multi-valued RDN. */
    record Ava(String label, String value) {
    }

    /** An RDN of one or more attributes. */
    static Ava[] rdn(Ava... avas) {
        return avas;
    }

    static Ava ava(String label, String value) {
        return new Ava(label, value);
    }

    /** A name from its RDNs, root first (the order of the slash form), each value UTF-8, unchecked. */
    static X500Name name(Ava[]... rdns) {
        X500NameBuilder b = new X500NameBuilder(BCStyle.INSTANCE);
        for (Ava[] rdn : rdns) {
            AttributeTypeAndValue[] values = new AttributeTypeAndValue[rdn.length];
            for (int i = 0; i < rdn.length; i++) {
                ASN1ObjectIdentifier oid = BCStyle.INSTANCE.attrNameToOID(rdn[i].label());
                values[i] = new AttributeTypeAndValue(oid, new DERUTF8String(rdn[i].value()));
            }
            if (values.length == 1) {
                b.addRDN(values[0]);
            } else {
                b.addMultiValuedRDN(values);
            }
        }
        return b.build();
    }

    /** A name of single-valued RDNs: label, value, label, value ... root first. */
    static X500Name name(String... labelValue) {
        List<Ava[]> rdns = new ArrayList<>();
        for (int i = 0; i < labelValue.length; i += 2) {
            rdns.add(rdn(ava(labelValue[i], labelValue[i + 1])));
        }
        return name(rdns.toArray(new Ava[0][]));
    }

    /** A CA: its certificate, its key, and the chain above it (empty for a root). */
    record Ca(X509Certificate certificate, PrivateKey key, List<X509Certificate> above) {

        /** A CA certificate signed by this one. */
        Ca subCa(X500Name subject) throws Exception {
            KeyPair pair = rsa();
            X509Certificate cert = signedBy(this, subject, pair, true, Duration.ofDays(10));
            List<X509Certificate> chain = new ArrayList<>();
            chain.add(certificate);
            chain.addAll(above);
            return new Ca(cert, pair.getPrivate(), chain);
        }

        /**
         * A user certificate signed by this CA; its chain holds the CAs below the root (what a client
         * sends along) when {@code withIntermediates}.
         */
        TestPki.Credential user(X500Name subject, boolean withIntermediates) throws Exception {
            KeyPair pair = rsa();
            X509Certificate cert = signedBy(this, subject, pair, false, Duration.ofDays(1));
            List<X509Certificate> chain = new ArrayList<>();
            chain.add(cert);
            if (withIntermediates && !above.isEmpty()) {
                chain.add(certificate);
                chain.addAll(above.subList(0, above.size() - 1));
            }
            return new TestPki.Credential(chain.toArray(new X509Certificate[0]), pair.getPrivate());
        }

        /** A user certificate; the chain sent is the leaf alone. */
        TestPki.Credential user(X500Name subject) throws Exception {
            return user(subject, false);
        }

        /** This CA's certificate presented as a client credential (self-signed roots: a self-signed client). */
        TestPki.Credential asClient() {
            return new TestPki.Credential(new X509Certificate[] {certificate}, key);
        }

        /** A CRL of this CA revoking these serials. */
        X509CRL crl(List<BigInteger> revoked) throws Exception {
            Instant now = Instant.now();
            X509v2CRLBuilder b = new X509v2CRLBuilder(
                    X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()),
                    Date.from(now.minusSeconds(60)));
            b.setNextUpdate(Date.from(now.plus(Duration.ofDays(30))));
            for (BigInteger serial : revoked) {
                b.addCRLEntry(serial, Date.from(now.minusSeconds(60)), CRLReason.keyCompromise);
            }
            b.addExtension(Extension.authorityKeyIdentifier, false,
                    new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(certificate));
            return new JcaX509CRLConverter().getCRL(b.build(new JcaContentSignerBuilder("SHA256withRSA").build(key)));
        }

        /**
         * Installs this CA in an IGTF trust directory as {@code <hash>.0} with an empty CRL, a signing
         * policy and a namespaces file that allow subjects starting with {@code namespace} (slash form).
         */
        void install(Path trustDir, String namespace) throws Exception {
            Files.createDirectories(trustDir);
            String hash = OpensslTruststoreHelper.getOpenSSLCAHash(certificate.getSubjectX500Principal(), true);
            Pem.writeCertificates(trustDir.resolve(hash + ".0"), certificate);
            Pem.writeCrl(trustDir.resolve(hash + ".r0"), crl(List.of()));
            String subject = DistinguishedNames.slashForm(
                    certificate.getSubjectX500Principal());
            Pem.write(trustDir.resolve(hash + ".signing_policy"),
                    "access_id_CA X509 '" + subject + "'\n"
                    + "pos_rights globus CA:sign\n"
                    + "cond_subjects globus '\"" + namespace + "/*\"'\n", "rw-r--r--");
            Pem.write(trustDir.resolve(hash + ".namespaces"),
                    "TO Issuer \"" + subject + "\" \\\n"
                    + "  PERMIT Subject \"" + namespace.replaceAll("([\\\\.\\[\\]()*+?^$|{}])", "\\\\$1")
                    + "/.*\"\n", "rw-r--r--");
        }
    }

    /** A self-signed root CA. */
    static Ca root(X500Name subject) throws Exception {
        KeyPair pair = rsa();
        X509Certificate cert = certificate(subject, subject, pair, pair.getPrivate(), null, true, Duration.ofDays(10));
        return new Ca(cert, pair.getPrivate(), List.of());
    }

    /** A self-signed end-entity certificate (not a CA) with this subject. */
    static TestPki.Credential selfSigned(X500Name subject) throws Exception {
        KeyPair pair = rsa();
        X509Certificate cert = certificate(subject, subject, pair, pair.getPrivate(), null, false, Duration.ofDays(1));
        return new TestPki.Credential(new X509Certificate[] {cert}, pair.getPrivate());
    }

    /** The name as a JDK principal. */
    static X500Principal principal(X500Name name) throws Exception {
        return new X500Principal(name.getEncoded());
    }

    private static X509Certificate signedBy(Ca issuer, X500Name subject, KeyPair pair, boolean ca, Duration validity)
            throws Exception {
        return certificate(X500Name.getInstance(issuer.certificate().getSubjectX500Principal().getEncoded()), subject,
                pair, issuer.key(), issuer.certificate(), ca, validity);
    }

    private static X509Certificate certificate(X500Name issuer, X500Name subject, KeyPair pair, PrivateKey signer,
                                               X509Certificate issuerCert, boolean ca, Duration validity)
            throws Exception {
        X509v3CertificateBuilder b = new X509v3CertificateBuilder(issuer, serial(),
                Date.from(Instant.now().minusSeconds(300)), Date.from(Instant.now().plus(validity)), subject,
                org.bouncycastle.asn1.x509.SubjectPublicKeyInfo.getInstance(pair.getPublic().getEncoded()));
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        if (ca) {
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        } else {
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
        }
        b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
        if (issuerCert != null) {
            b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(issuerCert));
        }
        return new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withRSA").build(signer)));
    }

    private static BigInteger serial() {
        return new BigInteger(63, RANDOM).add(BigInteger.ONE);
    }

    private static KeyPair rsa() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048, RANDOM);
        return g.generateKeyPair();
    }

}
