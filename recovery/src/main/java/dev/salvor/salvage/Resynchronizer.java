package dev.salvor.salvage;

import dev.salvor.format.FileRanges;
import dev.salvor.rdb.RdbFormatException;
import dev.salvor.rdb.RdbOpcode;
import dev.salvor.rdb.RdbReader;
import dev.salvor.rdb.RdbToken;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds where intact records resume after damage: the first offset from which a complete,
 * structurally valid record parses and is confirmed by further valid records (or by a proper end
 * of file). Candidates are tried in memory on a window of the file, never by allocating from the
 * damaged bytes.
 *
 * <p>Precision before recall: a chain is refused when it repeats a key, when it uses a key
 * already read from the file, or when its first record is made of zero bytes only (a zeroed page
 * parses as endless empty-key records).
 */
final class Resynchronizer {
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
    /** Expiry times a real server writes: from 2000 to the end of year 9999 (a common "never"). */
    private static final long MIN_PLAUSIBLE_EXPIRY = 946_684_800_000L;
    private static final long MAX_PLAUSIBLE_EXPIRY = 253_402_300_800_000L;
    /** Redis's databases setting has no hard limit, but real servers stay far below this. */
    private static final int MAX_PLAUSIBLE_DB = 1 << 16;
    private static final int WINDOW = 4 << 20;
    private static final int MAX_WINDOW = 256 << 20;

    private final FileChannel channel;
    private final long fileSize;
    private final String source;
    private final KeyLedger seenKeys;

    Resynchronizer(FileChannel channel, long fileSize, String source, KeyLedger seenKeys) {
        this.channel = channel;
        this.fileSize = fileSize;
        this.source = source;
        this.seenKeys = seenKeys;
    }

    /** Result of a search: the offset where reading resumes, or -1 when nothing intact follows. */
    /**
     * Result of a search: the offset where reading resumes (-1 when nothing intact follows), its
     * database, and the names of the bare records right before it that were read but not trusted
     * (they could be keys, or a collection's elements).
     */
    record Found(long offset, int db, List<byte[]> doubtful) {
        Found(long offset, int db) {
            this(offset, db, List.of());
        }
    }

    /** Bare leads refused at an anchoring record, by that record's offset (the longest lead first). */
    private final Map<Long, List<byte[]>> refusedLeads = new HashMap<>();

    Found find(long from, RdbReader.Context ctx) throws IOException {
        long windowStart = from;
        int window = WINDOW;
        // The database in effect at the candidate: the one at the damage, unless the skipped bytes
        // hold a SELECTDB with its RESIZEDB (RDB 7+) for a later one. Without RESIZEDB (older
        // files) a two-byte SELECTDB is too easily found in garbage to be trusted.
        int db = ctx.db();
        RdbReader.Context here = ctx;
        while (windowStart < fileSize) {
            int len = (int) Math.min(window, fileSize - windowStart);
            byte[] buf = read(windowStart, len);
            boolean windowTooSmall = false;
            int pendingDb = -1;
            int pendingEnd = -1;
            for (int i = 0; i < len; i++) {
                if (pendingDb >= 0 && pendingEnd <= i) {
                    db = pendingDb;
                    here = ctx.withDb(db);
                    pendingDb = -1;
                }
                if (ctx.version() >= 7 && buf[i] == (byte) RdbOpcode.SELECTDB) {
                    long sel = selectDbAt(buf, i, len, windowStart, here);
                    if (sel >= 0) {
                        pendingDb = (int) (sel >>> 32);
                        pendingEnd = (int) sel;
                    }
                }
                if (!RdbOpcode.startsRecord(buf[i] & 0xff)) continue;
                Probe p = probe(buf, i, len, windowStart, here);
                if (p == Probe.ACCEPT) {
                    List<byte[]> doubtful = refusedLeads.getOrDefault(windowStart + i, List.of());
                    refusedLeads.clear();
                    return new Found(windowStart + i, db, doubtful);
                }
                if (p == Probe.NEED_MORE && len < fileSize - windowStart && window < MAX_WINDOW) {
                    windowTooSmall = true;
                    break;
                }
            }
            if (windowTooSmall) {
                window *= 2;
                db = ctx.db();
                here = ctx;
                continue;
            }
            if (windowStart + len >= fileSize) break;
            // Keep an overlap so a record straddling the window edge is tried again whole.
            windowStart += Math.max(1, len - (1 << 16));
            window = WINDOW;
        }
        refusedLeads.clear();
        return new Found(-1, ctx.db());
    }

    /**
     * A SELECTDB of a database after {@code ctx}'s at {@code buf[p]}, followed by its RESIZEDB with
     * plausible sizes, read by the reader itself: (database << 32 | end offset in buf), or -1.
     */
    private long selectDbAt(byte[] buf, int p, int limit, long windowStart, RdbReader.Context ctx) {
        RdbReader r = RdbReader.probe(buf, p, limit - p, windowStart + p, fileSize, source, ctx);
        try {
            if (r.next() != RdbToken.SELECT_DB) return -1;
            int db = r.db();
            if (db <= ctx.db() || db > MAX_PLAUSIBLE_DB || r.next() != RdbToken.RESIZE_DB) return -1;
            if (r.resizeDbSize() == 0 || r.resizeExpiresSize() > r.resizeDbSize()) return -1;
            return (long) db << 32 | (r.offset() - windowStart);
        } catch (IOException e) {
            return -1;
        }
    }

    private byte[] read(long at, int len) throws IOException {
        byte[] buf = new byte[len];
        FileRanges.read(channel, at, buf, 0, len);
        return buf;
    }

    private enum Probe { ACCEPT, REJECT, NEED_MORE }

    /**
     * The first key after damage is the one most likely to be garbage that happens to end where
     * real records start, so its name must look like a name: non-empty UTF-8 text without control
     * characters. A binary-named key right after damage is lost rather than risk inventing one.
     */
    static boolean plausibleFirstName(byte[] key) {
        if (key.length == 0) return false;
        int i = 0;
        while (i < key.length) {
            int c = key[i] & 0xff;
            if (c < 0x80) {
                if (c < 0x20 || c == 0x7f) return false;
                i++;
            } else {
                int n = c >= 0xf0 && c < 0xf5 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c < 0xe0 ? 2 : 0;
                if (n == 0 || i + n > key.length) return false;
                for (int k = 1; k < n; k++) {
                    if ((key[i + k] & 0xc0) != 0x80) return false;
                }
                i += n;
            }
        }
        return true;
    }

    /** Whether the key just read could have been written by a server: a text name, a type of the file's version, a plausible expiry. */
    static boolean plausibleKey(RdbReader r, int version) {
        long exp = r.expireAtMs();
        return plausibleFirstName(r.key()) && r.encoding().writtenBy(version)
                && (exp < 0 || exp >= MIN_PLAUSIBLE_EXPIRY && exp <= MAX_PLAUSIBLE_EXPIRY && !(r.expiryInSeconds() && version >= 6));
    }

    /**
     * Reads the value of the key at hand to its end; false when it holds what no server writes:
     * rising scores in an encoding saved in descending order ({@link
     * dev.salvor.rdb.RdbEncoding#scoresDescending()}) are a misaligned read, which can otherwise
     * run through thousands of foreign bytes and end on a true record boundary.
     */
    static boolean readValueAsWritten(RdbReader r) throws IOException {
        if (!r.encoding().scoresDescending()) {
            r.skipValue();
            return true;
        }
        double previous = Double.POSITIVE_INFINITY;
        while (r.next() == RdbToken.ELEMENT) {
            double score = r.score();
            if (score > previous || Double.isNaN(score)) return false;
            previous = score;
        }
        return true;
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

    /** Keeps the names of a bare lead refused where an anchoring record starts. */
    private Probe refuseLead(long anchor, List<byte[]> lead) {
        refusedLeads.putIfAbsent(anchor, List.copyOf(lead));
        return Probe.REJECT;
    }

    private Probe probe(byte[] buf, int i, int len, long windowStart, RdbReader.Context ctx) {
        long candidate = windowStart + i;
        if (i + 3 <= len && buf[i] == 0 && buf[i + 1] == 0 && buf[i + 2] == 0) return Probe.REJECT;
        if (tailOfInteger(buf, i)) return Probe.REJECT;
        RdbReader r = RdbReader.probe(buf, i, len - i, candidate, fileSize, source, ctx);
        Set<KeyLedger.KeyId> chainKeys = new HashSet<>();
        int records = 0;
        int keys = 0;
        boolean anchored = false;
        // A chain that starts with bare records may be the tail of a plain collection whose header
        // the damage destroyed: it counts only if the bare run is long or reaches the end.
        boolean bareLead = false;
        List<byte[]> lead = null;
        int chainDb = ctx.db();
        boolean expectResize = false;
        boolean inKey = false;
        try {
            RdbToken t;
            while ((t = r.next()) != RdbToken.END) {
                if (expectResize && t != RdbToken.RESIZE_DB) return Probe.REJECT;
                switch (t) {
                    case KEY -> {
                        if (!r.encoding().writtenBy(ctx.version())) return Probe.REJECT;
                        long exp = r.expireAtMs();
                        if (exp >= 0 && (exp < MIN_PLAUSIBLE_EXPIRY || exp > MAX_PLAUSIBLE_EXPIRY)) return Probe.REJECT;
                        // Servers write the 4-byte seconds expiry only before RDB 6; a 0xFD byte
                        // five bytes before a record is a common accident of damaged bytes.
                        if (exp >= 0 && r.expiryInSeconds() && ctx.version() >= 6) return Probe.REJECT;
                        if (keys == 0 && !plausibleFirstName(r.key())) return Probe.REJECT;
                        KeyLedger.KeyId id = KeyLedger.KeyId.of(r.db(), r.key());
                        if (!chainKeys.add(id) || seenKeys.contains(id)) return Probe.REJECT;
                        boolean bare = r.encoding().bare() && exp < 0 && r.lruIdle() < 0 && r.lfuFreq() < 0;
                        if (keys == 0 && bare) {
                            bareLead = true;
                            lead = new ArrayList<>();
                        }
                        if (!bare) {
                            if (bareLead) return refuseLead(r.recordOffset(), lead);
                            anchored = true;
                        }
                        if (bareLead) lead.add(r.key());
                        inKey = true;
                        if (!readValueAsWritten(r)) return Probe.REJECT;
                        inKey = false;
                        keys++;
                        records++;
                    }
                    case EOF -> {
                        // A proper end: the trailer must end exactly at the end of the file.
                        if (r.offset() != fileSize) return Probe.REJECT;
                        if (records == 0 && candidate + 9 < fileSize - 9) return Probe.REJECT;
                        return Probe.ACCEPT;
                    }
                    // Aux fields and functions precede the keys: inside the keyspace they mean garbage.
                    case AUX, FUNCTION, HEADER -> {
                        return Probe.REJECT;
                    }
                    case ELEMENT, KEY_END -> {
                    }
                    // Databases come in ascending order, and since RDB 7 each SELECTDB is followed
                    // by its RESIZEDB with plausible sizes.
                    case SELECT_DB -> {
                        if (bareLead) return refuseLead(r.tokenOffset(), lead);
                        if (r.db() <= chainDb || r.db() > MAX_PLAUSIBLE_DB) return Probe.REJECT;
                        chainDb = r.db();
                        expectResize = ctx.version() >= 7;
                        records++;
                        anchored = true;
                    }
                    case RESIZE_DB -> {
                        if (bareLead || !expectResize || r.resizeDbSize() == 0 || r.resizeExpiresSize() > r.resizeDbSize()) return Probe.REJECT;
                        expectResize = false;
                        records++;
                        anchored = true;
                    }
                    default -> {
                        if (bareLead) return refuseLead(r.tokenOffset(), lead);
                        records++;
                        anchored = true;
                    }
                }
                if (keys > (anchored ? CONFIRMATIONS : BARE_CONFIRMATIONS)) return Probe.ACCEPT;
            }
            return Probe.REJECT;
        } catch (RdbFormatException e) {
            // Ran off the end of the window while the file goes on: try again with more bytes.
            if (e.reason() == RdbFormatException.Reason.TRUNCATED && windowStart + len < fileSize && (records > 0 || inKey)) return Probe.NEED_MORE;
            return Probe.REJECT;
        } catch (IOException e) {
            return Probe.REJECT;
        }
    }
}
