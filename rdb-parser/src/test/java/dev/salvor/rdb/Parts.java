package dev.salvor.rdb;

import java.lang.management.ManagementFactory;

/** The reader's parts wired over bytes in memory, for tests of one part at a time. */
final class Parts {
    final RdbInput in;
    final RdbStrings strings;
    final ValueCursor v = new ValueCursor();
    final Blob blob;

    Parts(byte[] bytes) {
        this(bytes, ReadConstraints.DEFAULT);
    }

    Parts(byte[] bytes, ReadConstraints constraints) {
        in = new RdbInput(dev.salvor.format.ByteWindow.slice(bytes, 0, bytes.length, 0, bytes.length), "test", constraints);
        strings = new RdbStrings(in);
        blob = new Blob(in, strings);
    }

    /** Bytes this thread has allocated so far (HotSpot's per-thread counter). */
    static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) n += p.length;
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    /** A raw RDB string: length, bytes. */
    static byte[] raw(byte[] b) {
        java.io.ByteArrayOutputStream s = new java.io.ByteArrayOutputStream();
        LzfBytes.writeLength(s, b.length);
        s.writeBytes(b);
        return s.toByteArray();
    }
}
