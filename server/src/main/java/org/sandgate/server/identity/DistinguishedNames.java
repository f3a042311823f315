package org.sandgate.server.identity;

import eu.emi.security.authn.x509.helpers.JavaAndBCStyle;
import eu.emi.security.authn.x509.impl.OpensslNameUtils;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1BitString;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.util.encoders.Hex;

/**
 * Distinguished names in the OpenSSL slash form that grid-mapfiles and grid tools use
 * ({@code /C=US/O=Example/CN=Jane Doe}), and the comparison key that makes two spellings of one name
 * equal the way Globus treats them.
 */
public final class DistinguishedNames {

    /** An attribute label at the start of a slash-form RDN: {@code /CN=}, {@code /emailAddress=}, {@code /0.9.2342=}. */
    private static final Pattern LABEL = Pattern.compile("/([A-Za-z][A-Za-z0-9-]*|[0-9]+(?:\\.[0-9]+)+)=");

    /**
     * Labels with several spellings in the wild. Globus writes {@code Email} or {@code E} where OpenSSL
     * writes {@code emailAddress}, and {@code USERID} where OpenSSL writes {@code UID}.
     */
    private static final Map<String, String> SYNONYMS = Map.of(
            "e", "emailaddress",
            "emailaddress", "emailaddress",
            "email", "emailaddress",
            "userid", "uid",
            "uid", "uid",
            "0.9.2342.19200300.100.1.1", "uid",
            "1.2.840.113549.1.9.1", "emailaddress");

    /** How OpenSSL 1.x and later spell the attributes that have synonyms. */
    private static final Map<String, String> OPENSSL_SPELLING = Map.of("emailaddress", "emailAddress", "uid", "UID");

    private DistinguishedNames() {
    }

    /**
     * The slash form of a certificate subject or issuer, as {@code openssl x509 -subject} (OpenSSL's
     * legacy {@code X509_NAME_oneline}) prints it: RDNs from the root, the attributes of a multi-valued
     * RDN one after the other, bytes below 0x20 and above 0x7e as {@code \xHH}. Read from the encoded
     * name, never from a re-parsed string, so it holds for any name a certificate can carry (values past
     * the X.520 length bounds included) and never throws.
     */
    public static String slashForm(X500Principal principal) {
        StringBuilder out = new StringBuilder();
        RDN[] rdns = X500Name.getInstance(principal.getEncoded()).getRDNs();
        for (RDN rdn : rdns) {
            AttributeTypeAndValue[] avas = rdn.getTypesAndValues();
            for (int j = avas.length - 1; j >= 0; j--) {
                out.append('/').append(opensslLabel(avas[j].getType())).append('=');
                appendOpensslValue(out, avas[j].getValue());
            }
        }
        return out.toString();
    }

    /**
     * Why the slash form of a name is ambiguous, if it is: a multi-valued RDN, a {@code /} or a
     * backslash inside a value (the slash form has no escaping, so such a value can spell other RDNs
     * or the {@code \xHH} of other bytes), a control character, or a value that is not a string.
     * Distinct names with unambiguous slash forms have distinct slash forms.
     */
    public static Optional<String> ambiguity(X500Principal principal) {
        for (RDN rdn : X500Name.getInstance(principal.getEncoded()).getRDNs()) {
            AttributeTypeAndValue[] avas = rdn.getTypesAndValues();
            if (avas.length > 1) {
                return Optional.of("it has a multi-valued RDN (" + opensslLabel(avas[0].getType()) + "=...+...)");
            }
            String label = opensslLabel(avas[0].getType());
            ASN1Primitive value = avas[0].getValue().toASN1Primitive();
            if (!(value instanceof ASN1String string)) {
                return Optional.of("the value of " + label + " is not a string");
            }
            String text = string.getString();
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == '/') {
                    return Optional.of("the value of " + label + " holds a '/'");
                }
                if (c == '\\') {
                    return Optional.of("the value of " + label + " holds a backslash");
                }
                if (c < 0x20 || c == 0x7f) {
                    return Optional.of("the value of " + label + " holds a control character");
                }
            }
        }
        return Optional.empty();
    }

    /** The canonical RFC 2253 form of {@code X500Principal}, the collision-free identity of a name. */
    public static String canonicalForm(X500Principal principal) {
        return principal.getName(X500Principal.CANONICAL);
    }

    /**
     * The canonical form of the name a slash-form DN reads as: its {@code \\xHH} sequences as the
     * bytes of UTF-8 text, each {@code /label=} one RDN. For configuration values and for the owners
     * of sessions stored before canonical forms were kept.
     *
     * @return empty when the text is not a DN this way
     */
    public static Optional<String> canonicalOfSlashForm(String slashDn) {
        try {
            return Optional.of(new X500Principal(rfc2253OfSlashForm(unescapeHex(slashDn)))
                    .getName(X500Principal.CANONICAL));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * The canonical form of a DN written in either form (slash form, else RFC 2253), as administrators
     * write them in the configuration.
     *
     * @throws IllegalArgumentException when the text is neither
     */
    public static String canonicalOfAnyForm(String dn) {
        if (dn.startsWith("/")) {
            if (!isSlashForm(dn)) {
                throw new IllegalArgumentException("not a DN in slash form: " + dn);
            }
            return canonicalOfSlashForm(dn).orElseThrow(() -> new IllegalArgumentException("not a DN: " + dn));
        }
        return new X500Principal(dn).getName(X500Principal.CANONICAL);
    }

    private static String unescapeHex(String text) {
        if (text.indexOf("\\x") < 0) {
            return text;
        }
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 3 < text.length() && text.charAt(i + 1) == 'x'
                    && Character.digit(text.charAt(i + 2), 16) >= 0 && Character.digit(text.charAt(i + 3), 16) >= 0) {
                bytes.write(Integer.parseInt(text.substring(i + 2, i + 4), 16));
                i += 3;
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                if (Character.isHighSurrogate(c) && i + 1 < text.length()) {
                    b = text.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
                    i++;
                }
                bytes.write(b, 0, b.length);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static String opensslLabel(ASN1ObjectIdentifier oid) {
        String label = JavaAndBCStyle.INSTANCE.getLabelForOidFull(oid);
        if (label == null) {
            return oid.getId();
        }
        String normalized = OpensslNameUtils.NORMALIZED_LABELS.getOrDefault(label.toLowerCase(Locale.ROOT), label);
        String canonical = OPENSSL_SPELLING.get(SYNONYMS.getOrDefault(normalized.toLowerCase(Locale.ROOT), ""));
        return canonical == null ? normalized : canonical;
    }

    private static void appendOpensslValue(StringBuilder out, ASN1Encodable value) {
        byte[] bytes;
        ASN1Primitive primitive = value.toASN1Primitive();
        if (primitive instanceof ASN1BitString bits) {
            bytes = bits.getBytes();
        } else if (primitive instanceof ASN1String string) {
            bytes = string.getString().getBytes(StandardCharsets.UTF_8);
        } else {
            try {
                out.append('#').append(Hex.toHexString(primitive.getEncoded()));
            } catch (IOException e) {
                out.append('#');
            }
            return;
        }
        for (byte b : bytes) {
            if (b <= 0x1f) {
                out.append("\\x").append(String.format("%02X", b & 0xff));
            } else {
                out.append((char) b);
            }
        }
    }

    /** The RFC 2253 form of a certificate subject or issuer. */
    public static String rfc2253Form(X500Principal principal) {
        return principal.getName(X500Principal.RFC2253);
    }

    /**
     * The key two slash-form DNs are compared by: attribute labels are case-insensitive and the email
     * and user-id spellings are one; values are compared exactly, as Globus does.
     */
    public static String comparisonKey(String slashDn) {
        Matcher m = LABEL.matcher(slashDn);
        StringBuilder key = new StringBuilder(slashDn.length());
        int last = 0;
        while (m.find()) {
            key.append(slashDn, last, m.start());
            String label = m.group(1).toLowerCase(Locale.ROOT);
            key.append('/').append(SYNONYMS.getOrDefault(label, label)).append('=');
            last = m.end();
        }
        key.append(slashDn, last, slashDn.length());
        return key.toString();
    }

    /**
     * The attributes of a slash-form DN, from the root: label and value pairs. A slash inside a value
     * that is not followed by a label stays in the value.
     *
     * @throws IllegalArgumentException when the text is not a DN in slash form
     */
    public static List<Map.Entry<String, String>> attributes(String slashDn) {
        Matcher m = LABEL.matcher(slashDn);
        List<Map.Entry<String, String>> out = new ArrayList<>();
        if (!m.lookingAt()) {
            throw new IllegalArgumentException("not a DN in slash form: " + slashDn);
        }
        String label = m.group(1);
        int valueStart = m.end();
        while (m.find()) {
            out.add(Map.entry(label, slashDn.substring(valueStart, m.start())));
            label = m.group(1);
            valueStart = m.end();
        }
        out.add(Map.entry(label, slashDn.substring(valueStart)));
        return out;
    }

    /** Whether a string looks like a slash-form DN: starts with a label such as {@code /C=}. */
    public static boolean isSlashForm(String dn) {
        Matcher m = LABEL.matcher(dn);
        return m.lookingAt();
    }

    /**
     * The comparison key of a DN written in either form: slash form as it is, anything else read as
     * RFC 2253. Used for configuration values, where administrators write either.
     *
     * @throws IllegalArgumentException when the text is neither
     */
    public static String comparisonKeyOfAnyForm(String dn) {
        if (dn.startsWith("/")) {
            if (!isSlashForm(dn)) {
                throw new IllegalArgumentException("not a DN in slash form: " + dn);
            }
            return comparisonKey(dn);
        }
        return comparisonKey(slashForm(new X500Principal(dn)));
    }

    /**
     * A slash-form DN in RFC 2253 form (most specific attribute first, special characters escaped).
     *
     * @throws IllegalArgumentException when the text is not a DN in slash form
     */
    public static String rfc2253OfSlashForm(String slashDn) {
        List<Map.Entry<String, String>> parts = attributes(slashDn);
        StringBuilder out = new StringBuilder();
        for (int i = parts.size() - 1; i >= 0; i--) {
            if (out.length() > 0) {
                out.append(',');
            }
            String value = parts.get(i).getValue();
            StringBuilder escaped = new StringBuilder();
            for (int c = 0; c < value.length(); c++) {
                char ch = value.charAt(c);
                boolean edge = (c == 0 && (ch == ' ' || ch == '#')) || (c == value.length() - 1 && ch == ' ');
                if (edge || ",+\"\\<>;=".indexOf(ch) >= 0) {
                    escaped.append('\\');
                }
                escaped.append(ch);
            }
            out.append(parts.get(i).getKey()).append('=').append(escaped);
        }
        return out.toString();
    }
}
