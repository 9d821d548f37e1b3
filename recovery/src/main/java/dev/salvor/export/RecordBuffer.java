package dev.salvor.export;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Holds one output record until it is complete, so a record cut short by damage never reaches the
 * output; a record larger than the limit is passed through as it is produced (bounded memory).
 */
final class RecordBuffer extends OutputStream {
    private final OutputStream out;
    private final int limit;
    private byte[] buf = new byte[8192];
    private int len;
    private boolean spilled;

    RecordBuffer(OutputStream out, int limit) {
        this.out = out;
        this.limit = limit;
    }

    @Override
    public void write(int b) throws IOException {
        ensure(1);
        buf[len++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int n) throws IOException {
        if (len + n > limit) {
            out.write(buf, 0, len);
            len = 0;
            spilled = true;
            if (n > limit) {
                out.write(b, off, n);
                return;
            }
        }
        ensure(n);
        System.arraycopy(b, off, buf, len, n);
        len += n;
    }

    private void ensure(int n) throws IOException {
        if (len + n > buf.length) {
            if (len + n > limit) {
                out.write(buf, 0, len);
                len = 0;
                spilled = true;
            }
            if (n > buf.length - len) {
                byte[] grown = new byte[Math.max(len + n, Math.min(buf.length * 2, limit))];
                System.arraycopy(buf, 0, grown, 0, len);
                buf = grown;
            }
        }
    }

    /** Sends the finished record on. */
    void commit() throws IOException {
        out.write(buf, 0, len);
        len = 0;
        spilled = false;
    }

    /**
     * Ends an unfinished record. One that has not reached the output is dropped (false). One whose
     * first part already went out (a record over the limit) is sent on as far as it goes and true
     * is returned: the caller must then close it, or a fragment would be left.
     */
    boolean discard() throws IOException {
        boolean was = spilled;
        if (was) out.write(buf, 0, len);
        len = 0;
        spilled = false;
        return was;
    }

    @Override
    public void flush() {
        // Records reach the output only on commit.
    }
}
