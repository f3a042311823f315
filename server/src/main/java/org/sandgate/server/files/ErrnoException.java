package org.sandgate.server.files;

import java.io.IOException;

/** A system call failed; {@link #errno()} says why. */
public final class ErrnoException extends IOException {
    private final int errno;

    ErrnoException(String path, int errno) {
        super(path + ": errno " + errno);
        this.errno = errno;
    }

    /** The error number the call returned. */
    public int errno() {
        return errno;
    }
}
