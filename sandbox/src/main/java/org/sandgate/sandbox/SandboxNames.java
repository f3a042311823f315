package org.sandgate.sandbox;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The names of sandbox directories. A session id is a capability, and a sandbox's path is seen by
 * every local account wherever a batch system shows a job ({@code squeue}, {@code scontrol show
 * job}, {@code qstat -f}: working directory, output paths, job name) and in the process list of the
 * commands that submit it. So a sandbox is named {@code sb} followed by 32 hex digits of
 * HMAC-SHA256(key, session id), the key being 256 random bits kept in the server's private state:
 * the name is fixed for a session (nothing to store, found again after a restart) but tells nothing
 * about the id.
 */
public final class SandboxNames {
    /** A sandbox name: {@code sb} and 32 lower-case hex digits. */
    public static final Pattern FORM = Pattern.compile("sb[0-9a-f]{32}");

    private static final int KEY_BYTES = 32;
    private final SecretKeySpec key;

    private SandboxNames(byte[] key) {
        this.key = new SecretKeySpec(key, "HmacSHA256");
    }

    /**
     * The names made with the key in {@code keyFile}; a missing key file is made (mode 600, 256
     * random bits).
     *
     * @throws IOException when the key cannot be read or made, or is not a key
     */
    public static SandboxNames load(Path keyFile) throws IOException {
        if (!Files.exists(keyFile, LinkOption.NOFOLLOW_LINKS)) {
            byte[] fresh = new byte[KEY_BYTES];
            new SecureRandom().nextBytes(fresh);
            try (SeekableByteChannel out = Files.newByteChannel(keyFile,
                    Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
                out.write(ByteBuffer.wrap(HexFormat.of().formatHex(fresh).getBytes(StandardCharsets.US_ASCII)));
            } catch (FileAlreadyExistsException raced) {
                // made meanwhile: read it below
            }
        }
        String text = Files.readString(keyFile, StandardCharsets.US_ASCII).strip();
        if (!text.matches("[0-9a-f]{" + 2 * KEY_BYTES + "}")) {
            throw new IOException(keyFile + " is not a sandbox name key (64 hex digits)");
        }
        return new SandboxNames(HexFormat.of().parseHex(text));
    }

    /** The name of a session's sandbox directory. */
    public String nameOf(SessionId id) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            byte[] digest = mac.doFinal(id.value().getBytes(StandardCharsets.US_ASCII));
            return "sb" + HexFormat.of().formatHex(digest, 0, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java platform", e);
        }
    }
}
