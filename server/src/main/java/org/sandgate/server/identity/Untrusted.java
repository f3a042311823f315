package org.sandgate.server.identity;

import java.security.cert.X509Certificate;

/**
 * Text a client chose (the subject of a certificate that has not validated, a library's message that
 * quotes it) made fit for a log line, an audit record or an error message: control characters and
 * other invisible characters are escaped as {@code \xHH} or {@code \\uHHHH}, and the text is cut to
 * a bound so a certificate cannot flood the logs or forge a line.
 */
public final class Untrusted {
    /** The longest claimed subject kept in logs and the audit log. */
    public static final int SUBJECT_LIMIT = 256;
    /** The longest reason kept. */
    public static final int REASON_LIMIT = 512;

    private Untrusted() {
    }

    /** The claimed subject of a certificate in RFC 2253 form, escaped and shortened. */
    public static String subject(X509Certificate certificate) {
        String name;
        try {
            name = certificate.getSubjectX500Principal().getName();
        } catch (RuntimeException e) {
            name = "(unreadable subject)";
        }
        return text(name, SUBJECT_LIMIT);
    }

    /** A reason (a validator's message), escaped and shortened. */
    public static String reason(String text) {
        return text(text == null ? "" : text, REASON_LIMIT);
    }

    /** The text with invisible characters escaped, cut to about {@code limit} characters. */
    public static String text(String text, int limit) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), limit) + 16);
        int i = 0;
        for (; i < text.length() && out.length() < limit; i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\x%02X", (int) c));
            } else if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT
                    || Character.getType(c) == Character.LINE_SEPARATOR
                    || Character.getType(c) == Character.PARAGRAPH_SEPARATOR
                    || Character.isSurrogate(c) && !validPair(text, i)) {
                out.append(String.format("\\u%04X", (int) c));
            } else {
                out.append(c);
            }
        }
        if (i < text.length()) {
            out.append("...(").append(text.length() - i).append(" more characters)");
        }
        return out.toString();
    }

    private static boolean validPair(String text, int i) {
        char c = text.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(text.charAt(i - 1));
    }
}
