package dev.salvor.io;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/** Streams that are not files of their own: standard output, and views shared by several writers. */
public final class OutputStreams {
    private OutputStreams() {
    }

    /** Standard output, for {@code -}: written directly, buffered; closing it only flushes. */
    public static OutputStream stdout(OutputStream out) {
        return new BufferedOutputStream(unclosable(out), 1 << 16);
    }

    /** A view of {@code out} whose close only flushes (for streams shared by several writers). */
    public static OutputStream unclosable(OutputStream out) {
        return new FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        };
    }
}
