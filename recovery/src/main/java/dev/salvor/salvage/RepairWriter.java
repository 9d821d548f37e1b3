package dev.salvor.salvage;

import dev.salvor.rdb.ElementKind;
import dev.salvor.rdb.RdbFlavor;
import dev.salvor.rdb.RdbFormatException;
import dev.salvor.rdb.RdbReader;
import dev.salvor.rdb.RdbToken;
import dev.salvor.rdb.RedisType;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the repaired RDB of a salvage run: the input's header and version, every recovered
 * record copied byte for byte from the input, partial keys re-encoded from their intact elements
 * in plain encodings every server of that version loads, and a new CRC64 trailer.
 */
public final class RepairWriter implements SalvageListener {
    /** Partial values larger than this are not re-encoded (they stay in the quarantine). */
    private static final long MAX_PARTIAL_BYTES = 256L << 20;
    private static final int RDB_TYPE_LIST = 1;
    private static final int RDB_TYPE_SET = 2;
    private static final int RDB_TYPE_ZSET = 3;
    private static final int RDB_TYPE_HASH = 4;
    private static final int RDB_TYPE_ZSET_2 = 5;
    private static final int OP_SELECTDB = 0xfe;
    private static final int OP_EXPIRETIME_MS = 0xfc;

    private final FileChannel input;
    private final RdbEncoder out;
    private RdbReader.Context context;
    private int outDb = -1;
    private long keysWritten;
    private long partialWritten;
    private final List<String> notes = new ArrayList<>();

    /** {@code input} is read for the raw bytes of recovered records; output goes to {@code out}. */
    public RepairWriter(FileChannel input, OutputStream out) {
        this.input = input;
        this.out = new RdbEncoder(out);
    }

    @Override
    public void start(RdbReader.Context ctx, String magic, boolean headerDamaged) throws IOException {
        this.context = ctx;
        String header = magic != null ? magic
                : ctx.flavor() == RdbFlavor.VALKEY && ctx.version() >= 80 ? String.format("VALKEY%03d", ctx.version())
                : String.format("REDIS%04d", ctx.version());
        out.raw(header.getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public void record(RdbReader r) throws IOException {
        switch (r.token()) {
            // Aux fields, functions and module data are copied as they were.
            case AUX, FUNCTION, MODULE_AUX -> copy(r.tokenOffset(), r.offset());
            // Database switches are re-issued before keys as needed; size hints would be stale.
            default -> {
            }
        }
    }

    @Override
    public void key(RdbReader r) throws IOException {
        r.skipValue();
        selectDb(r.db());
        copy(r.recordOffset(), r.keyEndOffset());
        keysWritten++;
    }

    private void selectDb(int db) throws IOException {
        if (db != outDb) {
            out.u8(OP_SELECTDB);
            out.length(db);
            outDb = db;
        }
    }

    private void copy(long from, long to) throws IOException {
        byte[] buf = new byte[(int) Math.min(1 << 20, Math.max(0, to - from))];
        long pos = from;
        while (pos < to) {
            ByteBuffer bb = ByteBuffer.wrap(buf, 0, (int) Math.min(buf.length, to - pos));
            int n = input.read(bb, pos);
            if (n < 0) throw new IOException("input ended while copying bytes " + from + ".." + to);
            out.raw(buf, 0, n);
            pos += n;
        }
    }

    /**
     * Re-reads the interrupted key from its start and re-encodes the elements that precede the
     * damage. Strings, streams and module values are not re-encoded (a part of them is no value).
     */
    @Override
    public boolean keyInterrupted(RdbReader failed, RdbFormatException error) throws IOException {
        RedisType type = failed.type();
        if (type == RedisType.STRING || type == RedisType.STREAM || type == RedisType.MODULE) return false;
        List<byte[][]> elements = new ArrayList<>();
        List<Double> scores = new ArrayList<>();
        long bytes = 0;
        byte[] key = failed.key();
        long expireAt = failed.expireAtMs();
        boolean withTtl = false;
        try (RdbReader again = RdbReader.resume(java.nio.file.Path.of(failed.source()), failed.recordOffset(), failed.context())) {
            if (again.next() != RdbToken.KEY) return false;
            try {
                while (again.next() == RdbToken.ELEMENT) {
                    byte[] a = again.item().toBytes();
                    byte[] b = again.elementKind() == ElementKind.HASH_ENTRY ? again.hashValue().toBytes() : null;
                    if (again.fieldExpireAtMs() >= 0) withTtl = true;
                    elements.add(new byte[][] {a, b});
                    scores.add(again.score());
                    bytes += a.length + (b == null ? 0 : b.length) + 32;
                    if (bytes > MAX_PARTIAL_BYTES) {
                        notes.add("partial key too large to re-encode: " + new String(key, StandardCharsets.UTF_8));
                        return false;
                    }
                }
            } catch (RdbFormatException expected) {
                // the same damage again: everything before it is collected
            }
        }
        if (elements.isEmpty()) return false;
        if (withTtl) notes.add("field TTLs of partial hash " + new String(key, StandardCharsets.UTF_8) + " were not kept");
        selectDb(failed.db());
        if (expireAt >= 0) {
            out.u8(OP_EXPIRETIME_MS);
            out.le64(expireAt);
        }
        switch (type) {
            case LIST -> writeStrings(RDB_TYPE_LIST, key, elements, false);
            case SET -> writeStrings(RDB_TYPE_SET, key, elements, false);
            case HASH -> writeStrings(RDB_TYPE_HASH, key, elements, true);
            case ZSET -> {
                boolean binary = context.version() >= 8;
                out.u8(binary ? RDB_TYPE_ZSET_2 : RDB_TYPE_ZSET);
                out.string(key);
                out.length(elements.size());
                for (int i = 0; i < elements.size(); i++) {
                    out.string(elements.get(i)[0]);
                    double s = scores.get(i);
                    if (binary) {
                        out.le64(Double.doubleToRawLongBits(s));
                    } else if (s == Double.POSITIVE_INFINITY) {
                        out.u8(254);
                    } else if (s == Double.NEGATIVE_INFINITY) {
                        out.u8(255);
                    } else {
                        byte[] text = Double.toString(s).getBytes(StandardCharsets.US_ASCII);
                        out.u8(text.length);
                        out.raw(text);
                    }
                }
            }
            default -> {
                return false;
            }
        }
        partialWritten++;
        return true;
    }

    private void writeStrings(int rdbType, byte[] key, List<byte[][]> elements, boolean pairs) throws IOException {
        out.u8(rdbType);
        out.string(key);
        out.length(elements.size());
        for (byte[][] e : elements) {
            out.string(e[0]);
            if (pairs) out.string(e[1]);
        }
    }

    @Override
    public void end(SalvageReport report) throws IOException {
        out.finish(context.version());
    }

    public long keysWritten() {
        return keysWritten;
    }

    public long partialKeysWritten() {
        return partialWritten;
    }

    public List<String> notes() {
        return notes;
    }

}
