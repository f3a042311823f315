package org.sandgate.server.portal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.sandgate.server.identity.RequestCaller;

/**
 * Anti-forgery tokens for the portal's forms, without a cookie: a token is an expiry time and an
 * HMAC, under a key made at start, of the caller it was given to (canonical subject, or the address
 * of an anonymous caller), the form's purpose and that time. A page of another site cannot read one
 * (the browser's same-origin rule), so it cannot make the user's browser post a form that carries
 * one; and one taken from the portal by its own holder is worth nothing for anyone else. A restart
 * makes a new key, so forms opened before it must be opened again.
 */
public final class FormTokens {
    /** The form field a token travels in. */
    public static final String FIELD = "csrf";

    private static final int MAC_BYTES = 32;
    private final byte[] key = new byte[32];
    private final Clock clock;
    private final Duration lifetime;

    /** @param lifetime how long a form stays valid once its page was served */
    public FormTokens(Clock clock, Duration lifetime) {
        new SecureRandom().nextBytes(key);
        this.clock = clock;
        this.lifetime = lifetime;
    }

    /** A token for this caller and purpose (say {@code "call sleepy.add"}), valid for the lifetime. */
    public String issue(RequestCaller caller, String purpose) {
        long expires = clock.instant().plus(lifetime).getEpochSecond();
        ByteBuffer token = ByteBuffer.allocate(8 + MAC_BYTES);
        token.putLong(expires).put(mac(subjectOf(caller), purpose, expires));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(token.array());
    }

    /** Whether a token sent with a form was issued to this caller for this purpose and has not expired. */
    public boolean valid(String token, RequestCaller caller, String purpose) {
        if (token == null || token.length() > 100) {
            return false;
        }
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(token);
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (raw.length != 8 + MAC_BYTES) {
            return false;
        }
        ByteBuffer buffer = ByteBuffer.wrap(raw);
        long expires = buffer.getLong();
        byte[] mac = new byte[MAC_BYTES];
        buffer.get(mac);
        return MessageDigest.isEqual(mac, mac(subjectOf(caller), purpose, expires))
                && clock.instant().getEpochSecond() <= expires;
    }

    private static String subjectOf(RequestCaller caller) {
        return caller.identity().canonical().map(dn -> "dn:" + dn).orElse("anonymous:" + caller.address());
    }

    private byte[] mac(String subject, String purpose, long expires) {
        try {
            Mac hmac = Mac.getInstance("HmacSHA256");
            hmac.init(new SecretKeySpec(key, "HmacSHA256"));
            hmac.update(subject.getBytes(StandardCharsets.UTF_8));
            hmac.update((byte) 0);
            hmac.update(purpose.getBytes(StandardCharsets.UTF_8));
            hmac.update((byte) 0);
            hmac.update(ByteBuffer.allocate(8).putLong(expires).array());
            return hmac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
