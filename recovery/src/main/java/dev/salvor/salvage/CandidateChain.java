package dev.salvor.salvage;

import dev.salvor.rdb.RdbFormatException;
import dev.salvor.rdb.RdbReader;
import dev.salvor.rdb.RdbToken;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The records read from one candidate offset after damage, judged by the candidate rules (README,
 * "Salvage rules"): the chain is accepted once enough keys confirm it, refused at the first record
 * no server would have written there. One method per rule.
 */
final class CandidateChain {
    /**
     * Keys that must follow a candidate's first key for it to count (fewer only when a proper end
     * of file follows). Garbage and misaligned real bytes do parse as a few records by chance;
     * sixteen in a row do not.
     */
    static final int CONFIRMATIONS = 16;
    /**
     * Keys that confirm a chain made only of bare records: plain-encoded values (string, and the
     * plain list, set, zset and hash of older servers and large values) without expiry or other
     * prefix. Such records are made of nothing but RDB strings, as is the body of a plain
     * collection, and the untimed entries of a hash with field TTLs (a 0 byte, a field, a value)
     * are exactly bare string records: when damage destroys such a key's header, its elements can
     * read as a chain of keys. So a chain whose first record is bare counts only when the bare run
     * reaches this length or the end of the file; otherwise the bare records right after the
     * damage are reported lost, and the search goes on to the first other record.
     */
    static final int BARE_CONFIRMATIONS = 256;

    enum Verdict { GO_ON, ACCEPT, REJECT }

    private final RdbReader.Context ctx;
    private final long candidate;
    private final long fileSize;
    private final KeyLedger alreadyRead;
    private final Set<KeyLedger.KeyId> chainKeys = new HashSet<>();
    private int records;
    private int keys;
    /** A record other than a bare one was read: the chain is not just a collection's elements. */
    private boolean anchored;
    /** The names of the bare records the chain started with, while no other record came. */
    private List<byte[]> bareLead;
    /** Where the chain was refused because an anchoring record followed a short bare lead, or -1. */
    private long leadRefusedAt = -1;
    private int chainDb;
    private boolean expectResize;
    private boolean inKey;

    CandidateChain(RdbReader.Context ctx, long candidate, long fileSize, KeyLedger alreadyRead) {
        this.ctx = ctx;
        this.candidate = candidate;
        this.fileSize = fileSize;
        this.alreadyRead = alreadyRead;
        this.chainDb = ctx.db();
    }

    // ------------------------------------------------------------------ where a candidate cannot start

    /** Three zero bytes: a zeroed page parses as endless empty-key records. */
    static boolean startsInZeroes(byte[] buf, int i, int len) {
        return i + 3 <= len && buf[i] == 0 && buf[i + 1] == 0 && buf[i + 2] == 0;
    }

    /**
     * The end of the run of zero bytes that starts at {@code buf[i]} (the index of the first
     * non-zero byte, or {@code len}): every candidate inside a run but its last two bytes starts
     * in zeroes, so a search steps over the run in one go however long it is.
     */
    static int zeroRunEnd(byte[] buf, int i, int len) {
        int j = i;
        while (j < len && buf[j] == 0) j++;
        return j;
    }

    /**
     * Whether the byte at {@code buf[i]} can be the last byte of an integer-encoded string (0xC0
     * plus 1 byte, 0xC1 plus 2, 0xC2 plus 4): inside a plain collection body, the high byte 0 of
     * an element like 137 reads as a string-key type byte. Refusing such a candidate costs at most
     * the one record that really starts there.
     */
    static boolean tailOfInteger(byte[] buf, int i) {
        return i >= 1 && buf[i - 1] == (byte) 0xc0 || i >= 2 && buf[i - 2] == (byte) 0xc1 || i >= 4 && buf[i - 4] == (byte) 0xc2;
    }

    // ------------------------------------------------------------------ the chain, record by record

    /** Judges the record {@code r} just read (at its token {@code t}); a KEY's value is read here. */
    Verdict record(RdbToken t, RdbReader r) throws IOException {
        // The records of a Dragonfly compressed blob whose frame decompressed are what it wrote
        // (each of its flushes selects its database again); its keys still count.
        if (r.compressedBlob() != null && t != RdbToken.KEY && t != RdbToken.ELEMENT && t != RdbToken.KEY_END && t != RdbToken.COMPRESSED_BLOB) {
            return confirmed() ? Verdict.ACCEPT : Verdict.GO_ON;
        }
        if (expectResize && t != RdbToken.RESIZE_DB) return Verdict.REJECT;
        Verdict v = switch (t) {
            case KEY -> key(r);
            case EOF -> endOfFile(r);
            case AUX, FUNCTION, HEADER -> Verdict.REJECT; // they precede the keys: inside the keyspace they mean garbage
            case ELEMENT, KEY_END -> Verdict.GO_ON;
            case SELECT_DB -> selectDb(r);
            case RESIZE_DB -> resizeDb(r);
            default -> otherRecord(r);
        };
        if (v != Verdict.GO_ON) return v;
        return confirmed() ? Verdict.ACCEPT : Verdict.GO_ON;
    }

    /** Enough keys in a row: {@link #CONFIRMATIONS}, or {@link #BARE_CONFIRMATIONS} for a chain of bare records only. */
    boolean confirmed() {
        return keys > (anchored ? CONFIRMATIONS : BARE_CONFIRMATIONS);
    }

    /**
     * A read that ran off the end of the window while the file goes on may succeed with more
     * bytes, once the chain has read something.
     */
    boolean mayNeedMore(RdbFormatException e) {
        return e.reason() == RdbFormatException.Reason.TRUNCATED && (records > 0 || inKey);
    }

    /** The names of the bare lead refused where an anchoring record began, or null. */
    List<byte[]> refusedLead() {
        return leadRefusedAt < 0 ? null : List.copyOf(bareLead);
    }

    /** Where the refused bare lead's anchoring record began (-1: none was refused). */
    long leadRefusedAt() {
        return leadRefusedAt;
    }

    private Verdict key(RdbReader r) throws IOException {
        if (!WrittenByServer.type(r, ctx.version()) || !WrittenByServer.expiry(r, ctx.version())) return Verdict.REJECT;
        if (keys == 0 && !WrittenByServer.name(r.key())) return Verdict.REJECT;
        if (!newKey(KeyLedger.KeyId.of(r.db(), r.key()))) return Verdict.REJECT;
        if (bare(r)) {
            if (keys == 0) bareLead = new ArrayList<>();
        } else {
            Verdict v = anchor(r.recordOffset());
            if (v != Verdict.GO_ON) return v;
        }
        if (bareLead != null) bareLead.add(r.key());
        inKey = true;
        if (!WrittenByServer.value(r)) return Verdict.REJECT;
        inKey = false;
        keys++;
        records++;
        return Verdict.GO_ON;
    }

    /** A key neither repeated in the chain nor already read from the file: a database holds each key once. */
    private boolean newKey(KeyLedger.KeyId id) {
        return chainKeys.add(id) && !alreadyRead.contains(id);
    }

    /** A record made of RDB strings only, as a plain collection's elements are: no prefix, a bare encoding. */
    private static boolean bare(RdbReader r) {
        return r.encoding().bare() && r.expireAtMs() < 0 && r.lruIdle() < 0 && r.lfuFreq() < 0;
    }

    /**
     * A record other than a bare key anchors the chain, unless the chain began with bare records:
     * they may be the tail of a plain collection whose header the damage destroyed, so the chain
     * is refused, and the search will find this record as a candidate of its own.
     */
    private Verdict anchor(long at) {
        if (bareLead != null) {
            leadRefusedAt = at;
            return Verdict.REJECT;
        }
        anchored = true;
        return Verdict.GO_ON;
    }

    /** Any other record between keys (a module's aux data, slot info, ...): it anchors the chain. */
    private Verdict otherRecord(RdbReader r) {
        Verdict v = anchor(r.tokenOffset());
        if (v == Verdict.GO_ON) records++;
        return v;
    }

    /** A proper end: the trailer must end exactly at the end of the file, and follow records unless it is the file's last bytes. */
    private Verdict endOfFile(RdbReader r) {
        if (r.offset() != fileSize) return Verdict.REJECT;
        if (records == 0 && candidate + 9 < fileSize - 9) return Verdict.REJECT;
        return Verdict.ACCEPT;
    }

    /** Databases come in ascending order, and since RDB 7 each SELECTDB is followed by its RESIZEDB. */
    private Verdict selectDb(RdbReader r) {
        Verdict v = anchor(r.tokenOffset());
        if (v != Verdict.GO_ON) return v;
        if (r.db() <= chainDb || r.db() > WrittenByServer.MAX_DB) return Verdict.REJECT;
        chainDb = r.db();
        expectResize = ctx.version() >= 7;
        records++;
        return Verdict.GO_ON;
    }

    /** A RESIZEDB right after a SELECTDB, with plausible sizes: keys announced, no more expiring keys than keys. */
    private Verdict resizeDb(RdbReader r) {
        if (bareLead != null || !expectResize || r.resizeDbSize() == 0 || r.resizeExpiresSize() > r.resizeDbSize()) return Verdict.REJECT;
        expectResize = false;
        records++;
        anchored = true;
        return Verdict.GO_ON;
    }
}
