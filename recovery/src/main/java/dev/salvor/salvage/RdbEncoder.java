package dev.salvor.salvage;

import dev.salvor.rdb.Crc64;
import dev.salvor.rdb.RdbOpcode;

import dev.salvor.format.FileRanges;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.nio.charset.StandardCharsets;

/**
 * Writes RDB primitives (opcodes, lengths, strings) to a stream while keeping the CRC64 of
 * everything written, so the trailer of a repaired file can be produced at the end.
 *
 * <p>Byte ranges copied from an input ({@link #copy}) are joined while they follow each other (the
 * records of a salvaged file mostly do) and go out in one copy; the CRC64 of a long one is computed
 * on another thread from the input while this one goes on, and the parts' CRCs are joined in
 * order at the end ({@link Crc64#combine}).
 */
final class RdbEncoder {
    /** Copies at least this long are checksummed on another thread, in parts of this size. */
    static final long ASYNC_CRC_BYTES = 4L << 20;
    private static final int COPY_BUFFER = 1 << 20;

    private final OutputStream out;
    /** CRC64 of the bytes written since the last part checksummed elsewhere, and their count. */
    private long crc;
    private long crcLength;
    /** The CRC64s of what was written before, in order: parts computed elsewhere and runs computed here. */
    private final List<Future<Long>> parts = new ArrayList<>();
    private final List<Long> partLengths = new ArrayList<>();
    private long written;
    private final byte[] scratch = new byte[9];
    private byte[] copyBuffer;
    /** The input range [pendingFrom, pendingTo) of {@link #copy} calls not yet written. */
    private FileChannel pendingInput;
    private long pendingFrom;
    private long pendingTo = -1;
    private ThreadPoolExecutor checksums;

    /** Copies of at least this many bytes are checksummed elsewhere, in parts of this size. */
    private final long asyncCrcBytes;

    RdbEncoder(OutputStream out) {
        this(out, ASYNC_CRC_BYTES);
    }

    RdbEncoder(OutputStream out, long asyncCrcBytes) {
        this.out = out;
        this.asyncCrcBytes = asyncCrcBytes;
    }

    void raw(byte[] b, int off, int len) throws IOException {
        if (pendingTo >= 0) flushCopy();
        out.write(b, off, len);
        crc = Crc64.update(crc, b, off, len);
        crcLength += len;
        written += len;
    }

    /** Bytes {@code [from, to)} of {@code input}, written as they are (after what was written before). */
    void copy(FileChannel input, long from, long to) throws IOException {
        if (to <= from) return;
        if (pendingTo == from && pendingInput == input) {
            pendingTo = to;
            return;
        }
        if (pendingTo >= 0) flushCopy();
        pendingInput = input;
        pendingFrom = from;
        pendingTo = to;
    }

    private void flushCopy() throws IOException {
        FileChannel input = pendingInput;
        long from = pendingFrom;
        long to = pendingTo;
        pendingTo = -1;
        pendingInput = null;
        if (copyBuffer == null) copyBuffer = new byte[COPY_BUFFER];
        boolean elsewhere = to - from >= asyncCrcBytes;
        if (elsewhere) {
            for (long p = from; p < to; p += asyncCrcBytes) {
                long end = Math.min(to, p + asyncCrcBytes);
                checksumElsewhere(input, p, end);
            }
        }
        for (long p = from; p < to; ) {
            int want = (int) Math.min(copyBuffer.length, to - p);
            int n = FileRanges.read(input, p, copyBuffer, 0, want);
            if (n < want) throw new java.io.EOFException("the input ends at byte offset " + (p + n) + ", inside bytes " + from + ".." + to + " being copied");
            out.write(copyBuffer, 0, n);
            if (!elsewhere) {
                crc = Crc64.update(crc, copyBuffer, 0, n);
                crcLength += n;
            }
            written += n;
            p += n;
        }
    }

    /** The CRC64 of {@code [from, to)} of {@code input}, computed on the checksum thread, as the next part. */
    private void checksumElsewhere(FileChannel input, long from, long to) {
        closePart();
        if (checksums == null) {
            checksums = new ThreadPoolExecutor(1, 1, 1, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
                Thread t = new Thread(r, "salvor-repair-crc");
                t.setDaemon(true);
                return t;
            });
            checksums.allowCoreThreadTimeOut(true);
        }
        parts.add(checksums.submit(() -> {
            byte[] buf = new byte[COPY_BUFFER];
            long c = 0;
            for (long p = from; p < to; ) {
                int n = FileRanges.read(input, p, buf, 0, (int) Math.min(buf.length, to - p));
                if (n <= 0) throw new java.io.EOFException("the input ends at byte offset " + p + ", inside bytes " + from + ".." + to + " being copied");
                c = Crc64.update(c, buf, 0, n);
                p += n;
            }
            return c;
        }));
        partLengths.add(to - from);
    }

    /** Ends the run of bytes checksummed here: it becomes a part. */
    private void closePart() {
        if (crcLength == 0) return;
        parts.add(CompletableFuture.completedFuture(crc));
        partLengths.add(crcLength);
        crc = 0;
        crcLength = 0;
    }

    /** The CRC64 of everything written. */
    private long checksum() throws IOException {
        closePart();
        long c = 0;
        try {
            for (int i = 0; i < parts.size(); i++) c = Crc64.combine(c, parts.get(i).get(), partLengths.get(i));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("repair interrupted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) throw io;
            throw new IOException(e.getCause());
        } finally {
            if (checksums != null) checksums.shutdown();
        }
        parts.clear();
        partLengths.clear();
        parts.add(CompletableFuture.completedFuture(c));
        partLengths.add(written);
        return c;
    }

    void raw(byte[] b) throws IOException {
        raw(b, 0, b.length);
    }

    void u8(int v) throws IOException {
        scratch[0] = (byte) v;
        raw(scratch, 0, 1);
    }

    void length(long len) throws IOException {
        raw(scratch, 0, dev.salvor.rdb.RdbLength.write(len, scratch, 0));
    }

    void string(byte[] b) throws IOException {
        length(b.length);
        raw(b);
    }

    void string(String s) throws IOException {
        string(s.getBytes(StandardCharsets.UTF_8));
    }

    void le64(long v) throws IOException {
        for (int i = 0; i < 8; i++) scratch[i] = (byte) (v >>> (8 * i));
        raw(scratch, 0, 8);
    }

    long written() {
        return written;
    }

    /** Writes the EOF opcode and, from RDB version 5, the CRC64 of everything before it. */
    void finish(int version) throws IOException {
        u8(RdbOpcode.EOF);
        long c = checksum();
        if (version >= 5) {
            for (int i = 0; i < 8; i++) scratch[i] = (byte) (c >>> (8 * i));
            out.write(scratch, 0, 8);
            written += 8;
        }
        out.flush();
    }
}
