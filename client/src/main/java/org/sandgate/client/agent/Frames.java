package org.sandgate.client.agent;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * The agent's answer on one connection: frames of one type byte, a 4-byte big-endian length and the
 * bytes. {@code o} standard output, {@code e} standard error, {@code x} the exit status (4 bytes),
 * {@code f} "run the command in a process of its own" (nothing sent before it).
 */
final class Frames {
    private final SocketChannel channel;
    private boolean wrote;

    Frames(SocketChannel channel) {
        this.channel = channel;
    }

    /** A stream whose writes become frames of {@code type}. */
    OutputStream stream(char type) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (len > 0) {
                    send(type, b, off, len);
                }
            }
        };
    }

    synchronized void exit(int status) throws IOException {
        send('x', ByteBuffer.allocate(4).putInt(status).array(), 0, 4);
    }

    synchronized void fallBack() throws IOException {
        send('f', new byte[0], 0, 0);
    }

    /** Whether any output went out (after which the command can no longer run elsewhere). */
    synchronized boolean wroteOutput() {
        return wrote;
    }

    private synchronized void send(char type, byte[] b, int off, int len) throws IOException {
        ByteBuffer frame = ByteBuffer.allocate(5 + len).put((byte) type).putInt(len).put(b, off, len).flip();
        while (frame.hasRemaining()) {
            channel.write(frame);
        }
        wrote |= type == 'o' || type == 'e';
    }
}
