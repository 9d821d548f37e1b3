package dev.salvor.salvage;

import dev.salvor.export.ValueElement;
import dev.salvor.rdb.RdbEncoding;
import dev.salvor.rdb.RdbFlavor;
import dev.salvor.rdb.KeyHeader;
import dev.salvor.rdb.RdbOpcode;
import dev.salvor.rdb.RdbReader;
import dev.salvor.rdb.RdbToken;
import dev.salvor.rdb.RecordView;
import dev.salvor.rdb.StreamId;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the repaired RDB of a salvage run: the input's header and version, every recovered
 * record copied byte for byte from the input, partial keys re-encoded from their intact elements
 * in plain encodings every server of that version loads, and a new CRC64 trailer.
 */
public final class RepairWriter implements SalvageVisitor {
    private final FileChannel input;
    private final RdbEncoder out;
    private RdbReader.Context context;
    private int outDb = -1;
    private long keysWritten;
    private long partialWritten;
    private final List<String> notes = new ArrayList<>();

    /** {@code input} is read for the raw bytes of recovered records; output goes to {@code out}. */
    public RepairWriter(FileChannel input, OutputStream out) {
        this(input, new RdbEncoder(out));
    }

    /** With copies of at least {@code asyncCrcBytes} checksummed on another thread (tests make them short). */
    RepairWriter(FileChannel input, OutputStream out, long asyncCrcBytes) {
        this(input, new RdbEncoder(out, asyncCrcBytes));
    }

    private RepairWriter(FileChannel input, RdbEncoder out) {
        this.input = input;
        this.out = out;
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
    public void record(RdbToken token, RecordView r) throws IOException {
        if (token == RdbToken.COMPRESSED_BLOB) {
            // A Dragonfly compressed blob is copied whole, as it was: its records are in it. Its
            // own records select databases, so the next key selects its database again.
            selectDb(r.compressedBlob().db());
            copy(r.compressedBlob().start(), r.compressedBlob().end());
            outDb = -1;
            return;
        }
        if (r.compressedBlob() != null) return;
        switch (token) {
            // Aux fields, functions and module data are copied as they were; so are hash
            // templates, which the template hashes after them refer to. An aux field among a key's
            // prefixes (KeyDB's layout) is copied with the key's record, which begins before it.
            case AUX, FUNCTION, MODULE_AUX, HASH_TEMPLATE -> {
                if (r.recordOffset() == r.tokenOffset()) copy(r.tokenOffset(), r.offset());
            }
            // Valkey's UPDATE command applies to the database in effect: selected, then copied.
            case COMMAND -> {
                selectDb(r.db());
                copy(r.tokenOffset(), r.offset());
            }
            // Database switches are re-issued before keys as needed; size hints would be stale.
            default -> {
            }
        }
    }

    /** A recovered key, copied byte for byte once its end is known. */
    @Override
    public void endKey(KeyHeader key) throws IOException {
        if (key.compressedBlob() != null) {
            // Copied with its blob.
            keysWritten++;
            return;
        }
        selectDb(key.db());
        // With KeyDB's member expiries after the value: they apply to the key loaded last.
        copy(key.recordOffset(), key.keyRecordEndOffset());
        keysWritten++;
    }

    private void selectDb(int db) throws IOException {
        if (db != outDb) {
            out.u8(RdbOpcode.SELECTDB);
            out.length(db);
            outDb = db;
        }
    }

    private void copy(long from, long to) throws IOException {
        out.copy(input, from, to);
    }

    @Override
    public boolean keepsPartialKeys() {
        return true;
    }

    /** Re-encodes the intact part of an interrupted key (see {@link PartialKey}). */
    @Override
    public void partialKey(PartialKey p) throws IOException {
        write(p);
        partialWritten++;
    }

    private void write(PartialKey p) throws IOException {
        selectDb(p.db());
        if (p.expireAtMs() >= 0) {
            out.u8(RdbOpcode.EXPIRETIME_MS);
            out.le64(p.expireAtMs());
        }
        if (p.stream() != null) {
            writeStream(p.key(), p.stream());
            return;
        }
        boolean fieldTtls = p.elements().stream().anyMatch(e -> e.fieldExpireAtMs() >= 0);
        if (fieldTtls) notes.add("field TTLs of partial hash " + new String(p.key(), StandardCharsets.UTF_8) + " were not kept");
        switch (p.type()) {
            case LIST -> writeStrings(RdbEncoding.LIST_LINKED, p.key(), p.elements(), false);
            case SET -> writeStrings(RdbEncoding.SET_PLAIN, p.key(), p.elements(), false);
            case HASH -> writeStrings(RdbEncoding.HASH_PLAIN, p.key(), p.elements(), true);
            case ZSET -> {
                boolean binary = context.version() >= 8;
                out.u8((binary ? RdbEncoding.ZSET_2 : RdbEncoding.ZSET_TEXT_SCORES).rdbType());
                out.string(p.key());
                out.length(p.elements().size());
                for (ValueElement e : p.elements()) {
                    out.string(e.item());
                    double s = e.score();
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
            default -> throw new IllegalStateException("no partial form for " + p.type());
        }
    }

    /**
     * A stream cut by damage: its intact nodes copied byte for byte, then metadata that fits them
     * (length = their live entries, last id = their last entry, deleted ones included, so new ids
     * stay above every stored one) and no consumer groups.
     */
    private void writeStream(byte[] key, PartialKey.PartialStream s) throws IOException {
        // A Redis 8.6+ stream (v4, v5) lost its groups and idempotent-producer state with the tail:
        // what is kept is a v3 stream, the same nodes and metadata, which those servers load too.
        out.u8(s.encodingVersion() >= 4 ? RdbEncoding.STREAM_LISTPACKS_3.rdbType() : s.rdbType());
        out.string(key);
        out.length(s.nodes());
        copy(s.nodesStart(), s.nodesEnd());
        long length = s.entries().size();
        out.length(length);
        out.length(s.lastId().ms());
        out.length(s.lastId().seq());
        if (s.encodingVersion() >= 2) {
            StreamId first = s.entries().isEmpty() ? StreamId.ZERO : s.entries().get(0).id();
            out.length(first.ms());
            out.length(first.seq());
            out.length(0); // max deleted entry id: unknown, 0-0
            out.length(0);
            out.length(length); // entries added: at least the entries present
        }
        out.length(0); // consumer groups
        notes.add("stream " + new String(key, StandardCharsets.UTF_8) + " kept its first " + s.nodes() + " node(s) (" + length
                + " entries); its consumer groups" + (s.encodingVersion() >= 4 ? " and idempotent-producer state" : "") + " were not kept");
    }

    private void writeStrings(RdbEncoding encoding, byte[] key, List<ValueElement> elements, boolean pairs) throws IOException {
        out.u8(encoding.rdbType());
        out.string(key);
        out.length(elements.size());
        for (ValueElement e : elements) {
            out.string(e.item());
            if (pairs) out.string(e.value());
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
