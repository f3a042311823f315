package org.sandgate.server;

import eu.emi.security.authn.x509.helpers.proxy.RFCProxyCertInfoExtension;
import eu.emi.security.authn.x509.proxy.ProxyCertificate;
import eu.emi.security.authn.x509.proxy.ProxyCertificateOptions;
import eu.emi.security.authn.x509.proxy.ProxyGenerator;
import eu.emi.security.authn.x509.proxy.ProxyPolicy;
import eu.emi.security.authn.x509.proxy.ProxyType;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.sandgate.server.testkit.TestPki;

/** Proxy certificates for tests: good ones made by canl, broken ones made by hand. */
final class Proxies {
    private Proxies() {
    }

    static TestPki.Credential proxy(TestPki.Credential parent, ProxyType type, Duration lifetime,
                                    boolean limited, int pathLimit) throws Exception {
        ProxyCertificateOptions options = new ProxyCertificateOptions(parent.chain());
        options.setType(type);
        options.setLifetime((int) lifetime.toSeconds());
        options.setLimited(limited);
        if (pathLimit >= 0) {
            options.setProxyPathLimit(pathLimit);
        }
        ProxyCertificate pc = ProxyGenerator.generate(options, parent.key());
        return new TestPki.Credential(pc.getCertificateChain(), pc.getPrivateKey());
    }

    static TestPki.Credential rfc(TestPki.Credential parent) throws Exception {
        return proxy(parent, ProxyType.RFC3820, Duration.ofHours(12), false, -1);
    }

    /** A proxy that names the user as issuer but is signed by some other key. */
    static TestPki.Credential forged(TestPki.Credential parent) throws Exception {
        KeyPair intruder = rsa();
        ProxyCertificateOptions options = new ProxyCertificateOptions(parent.chain());
        options.setType(ProxyType.RFC3820);
        ProxyCertificate pc = ProxyGenerator.generate(options, intruder.getPrivate());
        return new TestPki.Credential(pc.getCertificateChain(), pc.getPrivateKey());
    }

    /** An RFC 3820 proxy whose subject is not the issuer's subject plus one CN. */
    static TestPki.Credential wrongSubject(TestPki.Credential parent) throws Exception {
        return handMade(parent, new X500Principal("CN=12345,CN=Somebody Else,O=Sandgate Test"),
                Instant.now().minusSeconds(60), Instant.now().plus(Duration.ofHours(1)));
    }

    /** A well-formed RFC 3820 proxy with the given validity window. */
    static TestPki.Credential window(TestPki.Credential parent, Instant notBefore, Instant notAfter) throws Exception {
        X509Certificate issuer = parent.chain()[0];
        BigInteger serial = BigInteger.valueOf(Math.abs(new java.util.Random().nextInt()) + 1L);
        X500Principal subject = new X500Principal("CN=" + serial + "," + issuer.getSubjectX500Principal().getName());
        return handMade(parent, subject, notBefore, notAfter, serial);
    }

    private static TestPki.Credential handMade(TestPki.Credential parent, X500Principal subject,
                                               Instant notBefore, Instant notAfter) throws Exception {
        return handMade(parent, subject, notBefore, notAfter, BigInteger.valueOf(12345));
    }

    private static TestPki.Credential handMade(TestPki.Credential parent, X500Principal subject,
                                               Instant notBefore, Instant notAfter, BigInteger serial) throws Exception {
        KeyPair pair = rsa();
        X509Certificate issuer = parent.chain()[0];
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer.getSubjectX500Principal(), serial,
                Date.from(notBefore), Date.from(notAfter), subject, pair.getPublic());
        b.addExtension(new ASN1ObjectIdentifier(RFCProxyCertInfoExtension.RFC_EXTENSION_OID), true,
                new RFCProxyCertInfoExtension(Integer.MAX_VALUE, new ProxyPolicy(ProxyPolicy.INHERITALL_POLICY_OID)));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
        PrivateKey signer = parent.key();
        X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withRSA").build(signer)));
        X509Certificate[] chain = new X509Certificate[parent.chain().length + 1];
        chain[0] = cert;
        System.arraycopy(parent.chain(), 0, chain, 1, parent.chain().length);
        return new TestPki.Credential(chain, pair.getPrivate());
    }

    private static KeyPair rsa() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair();
    }

    /** A credential from a PEM file holding certificates and a key in any order (as grid-proxy-init writes). */
    static TestPki.Credential readPem(java.nio.file.Path file) throws Exception {
        java.util.List<X509Certificate> chain = new java.util.ArrayList<>();
        PrivateKey key = null;
        try (org.bouncycastle.openssl.PEMParser pem = new org.bouncycastle.openssl.PEMParser(
                java.nio.file.Files.newBufferedReader(file))) {
            org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter keys = new org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter();
            for (Object o = pem.readObject(); o != null; o = pem.readObject()) {
                if (o instanceof org.bouncycastle.cert.X509CertificateHolder holder) {
                    chain.add(new JcaX509CertificateConverter().getCertificate(holder));
                } else if (o instanceof org.bouncycastle.openssl.PEMKeyPair pair) {
                    key = keys.getKeyPair(pair).getPrivate();
                } else if (o instanceof org.bouncycastle.asn1.pkcs.PrivateKeyInfo info) {
                    key = keys.getPrivateKey(info);
                }
            }
        }
        return new TestPki.Credential(chain.toArray(new X509Certificate[0]), key);
    }
}
