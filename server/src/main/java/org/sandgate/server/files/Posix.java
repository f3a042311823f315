package org.sandgate.server.files;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;

/**
 * The few Linux calls the JDK does not offer: descriptor-relative opens that never follow a link
 * and never block, and the process umask. Flag values are those of the kernel's ABI, which differ
 * between architectures.
 */
public final class Posix {
    static final int AT_FDCWD = -100;
    static final int O_RDONLY = 0;
    static final int O_WRONLY = 1;
    static final int O_CREAT = 0100;
    static final int O_EXCL = 0200;
    static final int O_NOCTTY = 0400;
    static final int O_NONBLOCK = 04000;
    static final int O_DIRECTORY = Platform.isARM() || Platform.isPPC() ? 040000 : 0200000;
    static final int O_NOFOLLOW = Platform.isARM() || Platform.isPPC() ? 0100000 : 0400000;
    static final int O_CLOEXEC = 02000000;
    static final int AT_REMOVEDIR = 0x200;

    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int EEXIST = 17;
    static final int ENXIO = 6;
    static final int EAGAIN = 11;
    static final int EACCES = 13;
    static final int ENODEV = 19;
    static final int ENOTDIR = 20;
    static final int EISDIR = 21;
    static final int ENAMETOOLONG = 36;
    static final int ENOTEMPTY = 39;
    static final int ELOOP = 40;
    static final int EOVERFLOW = 75;

    private interface C extends Library {
        int openat(int dirfd, String path, int flags, int mode) throws LastErrorException;

        int close(int fd) throws LastErrorException;

        int unlinkat(int dirfd, String path, int flags) throws LastErrorException;

        int umask(int mask);
    }

    private static final class Holder {
        static final C C = Native.load("c", C.class);
    }

    private Posix() {
    }

    /** {@code openat(2)}; the errno of a failure is in the exception. */
    static int openat(int dirfd, String path, int flags) throws ErrnoException {
        return openat(dirfd, path, flags, 0);
    }

    /** {@code openat(2)} with the mode of a file it creates; the errno of a failure is in the exception. */
    static int openat(int dirfd, String path, int flags, int mode) throws ErrnoException {
        try {
            return Holder.C.openat(dirfd, path, flags, mode);
        } catch (LastErrorException e) {
            throw new ErrnoException(path, e.getErrorCode());
        }
    }

    /** {@code unlinkat(2)}; the errno of a failure is in the exception. */
    static void unlinkat(int dirfd, String path, int flags) throws ErrnoException {
        try {
            Holder.C.unlinkat(dirfd, path, flags);
        } catch (LastErrorException e) {
            throw new ErrnoException(path, e.getErrorCode());
        }
    }

    static void close(int fd) {
        try {
            Holder.C.close(fd);
        } catch (LastErrorException ignored) {
            // a descriptor that failed to close is gone all the same (close(2) on Linux)
        }
    }

    /** Sets the process umask and returns the previous one. */
    public static int umask(int mask) {
        return Holder.C.umask(mask);
    }

    /** Whether these calls can be used here (Linux). */
    public static boolean available() {
        return Platform.isLinux();
    }
}
