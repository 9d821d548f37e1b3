package dev.salvor.salvage;

import dev.salvor.rdb.Crc64;
import dev.salvor.rdb.RdbOpcode;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes RDB primitives (opcodes, lengths, strings) to a stream while keeping the running CRC64
 * of everything written, so the trailer of a repaired file can be produced at the end.
 */
final class RdbEncoder {
    private final OutputStream out;
    private long crc;
    private long written;
    private final byte[] scratch = new byte[9];

    RdbEncoder(OutputStream out) {
        this.out = out;
    }

    void raw(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        crc = Crc64.update(crc, b, off, len);
        written += len;
    }

    void raw(byte[] b) throws IOException {
        raw(b, 0, b.length);
    }

    /** The encoder as a stream of raw bytes (checksummed like {@link #raw}). */
    OutputStream stream() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                u8(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                raw(b, off, len);
            }
        };
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

    long crc() {
        return crc;
    }

    long written() {
        return written;
    }

    /** Writes the EOF opcode and, from RDB version 5, the CRC64 of everything before it. */
    void finish(int version) throws IOException {
        u8(RdbOpcode.EOF);
        if (version >= 5) {
            long c = crc;
            for (int i = 0; i < 8; i++) scratch[i] = (byte) (c >>> (8 * i));
            out.write(scratch, 0, 8);
            written += 8;
        }
        out.flush();
    }
}
