package dev.salvor.salvage;

import dev.salvor.format.FileRanges;
import dev.salvor.rdb.RdbOpcode;
import dev.salvor.rdb.RdbReader;
import dev.salvor.rdb.RdbToken;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Names still readable inside the skipped bytes of a damaged region: key records, aux fields and
 * function libraries that parse whole there but were not trusted (or lay between the damage and
 * the point where reading resumed). They are not recovered, and they are not proof: a readable
 * record among damaged bytes may be a misaligned read or a collection's elements. They tell the
 * user which keys were probably in the damage.
 *
 * <p>Only records that parse completely inside the region count; a key must look like one a
 * server writes (a text name, a type of the file's version, a plausible expiry) and sit in a run
 * of such records: directly before or after another, or ending where reading resumed. A lone
 * record among garbage is most often a misaligned read of a collection's elements.
 */
final class DamageNames {
    /** A key name read inside a region, with the database in effect there and the record's offset. */
    record Seen(int db, byte[] key, long offset) {
    }

    /** Bytes of one region that are looked at; the rest of a larger region is not. */
    static final int MAX_REGION_BYTES = 64 << 20;
    private static final int WINDOW = 4 << 20;
    private static final int OVERLAP = 1 << 20;

    private final FileChannel channel;
    private final long fileSize;
    private final String source;
    private final KeyLedger recovered;
    private final Set<KeyLedger.KeyId> named;
    private final int maxNames;

    final List<Seen> keys = new ArrayList<>();
    final List<String> aux = new ArrayList<>();
    final List<String> functions = new ArrayList<>();
    /** Whether aux fields and functions are looked for at the current place. */
    private boolean headerArea;
    /** True when a region was larger than {@link #MAX_REGION_BYTES} and only its start was looked at. */
    boolean limited;

    /**
     * @param recovered keys already recovered (never listed again)
     * @param named     keys already named lost (never listed twice)
     */
    DamageNames(FileChannel channel, long fileSize, String source, KeyLedger recovered, Set<KeyLedger.KeyId> named, int maxNames) {
        this.channel = channel;
        this.fileSize = fileSize;
        this.source = source;
        this.recovered = recovered;
        this.named = named;
        this.maxNames = maxNames;
    }

    /** A record read whole at one offset: its end, the db it selects (SELECTDB) or -1, the key it holds or null. */
    private record Read(long start, long end, int selects, Seen key) {
    }

    /**
     * Looks through the bytes [start, end) of one region; {@code ctx} holds the version and the db
     * in effect at its start. Aux fields and functions are looked for only where a server writes
     * them, before the keyspace ({@code beforeKeyspace}: no key or database was read before the
     * region), and only up to the first database or key found in it; elsewhere a 0xFA byte
     * followed by two strings is a common accident of value bytes.
     */
    void scan(long start, long end, RdbReader.Context ctx, boolean beforeKeyspace) throws IOException {
        headerArea = beforeKeyspace;
        long stop = Math.min(end, start + MAX_REGION_BYTES);
        if (stop < end) limited = true;
        int db = ctx.db();
        List<Read> found = new ArrayList<>();
        long pos = start;
        while (pos < stop) {
            int len = (int) Math.min(WINDOW, end - pos);
            byte[] buf = read(pos, len);
            // Offsets past this are looked at from the next window, so a record near the edge is read whole.
            int last = pos + len >= stop ? (int) (stop - pos) : len - OVERLAP;
            int i = 0;
            while (i < last) {
                if (buf[i] == 0) {
                    // A run of zeros: each offset in it followed by another zero (and not in the
                    // window's last two bytes) is refused by record(), so step over those at once.
                    int next = Math.min(CandidateChain.zeroRunEnd(buf, i, len) - 1, len - 2);
                    if (next > i) {
                        i = next;
                        continue;
                    }
                }
                Read r = record(buf, i, len, pos, ctx.withDb(db));
                if (r == null) {
                    i++;
                    continue;
                }
                found.add(r);
                if (r.selects() >= 0) db = r.selects();
                if (r.selects() >= 0 || r.key() != null) headerArea = false;
                i = (int) (r.end() - pos);
            }
            pos += Math.max(1, i);
        }
        // Keep the keys that sit in a run: a record of any kind ends where they start or starts
        // where they end, or they end where reading resumed.
        java.util.Set<Long> starts = new java.util.HashSet<>();
        java.util.Set<Long> ends = new java.util.HashSet<>();
        for (Read r : found) {
            starts.add(r.start());
            ends.add(r.end());
        }
        for (Read r : found) {
            if (r.key() == null || !(ends.contains(r.start()) || starts.contains(r.end()) || r.end() == end)) continue;
            if (keys.size() < maxNames && named.add(KeyLedger.KeyId.of(r.key().db(), r.key().key()))) keys.add(r.key());
        }
    }

    /** Tries one record at {@code buf[i]}; null unless it parses whole. */
    private Read record(byte[] buf, int i, int len, long windowStart, RdbReader.Context ctx) {
        int b = buf[i] & 0xff;
        if (!RdbOpcode.startsRecord(b)) return null;
        if (i + 2 < len && buf[i] == 0 && buf[i + 1] == 0) return null; // zero bytes read as empty names
        RdbReader r = RdbReader.probe(buf, i, len - i, windowStart + i, fileSize, source, ctx);
        try {
            RdbToken t = r.next();
            switch (t) {
                case KEY -> {
                    if (!WrittenByServer.value(r) || !WrittenByServer.key(r, ctx.version())) return null;
                    KeyLedger.KeyId id = KeyLedger.KeyId.of(r.db(), r.key());
                    boolean known = recovered.contains(id) || named.contains(id);
                    return new Read(r.recordOffset(), r.offset(), -1, known ? null : new Seen(r.db(), r.key(), r.recordOffset()));
                }
                case AUX -> {
                    if (!headerArea || !WrittenByServer.name(r.auxKey().toBytes())) return null;
                    aux.add(r.auxKey().toString());
                }
                case FUNCTION -> {
                    if (!headerArea || !r.functionCode().toString().startsWith("#!")) return null;
                    functions.add(r.functionLibraryName());
                }
                case SELECT_DB -> {
                    int db = r.db();
                    if (db <= ctx.db() || ctx.version() < 7 || r.next() != RdbToken.RESIZE_DB) return null;
                    if (r.resizeDbSize() == 0 || r.resizeExpiresSize() > r.resizeDbSize()) return null;
                    return new Read(windowStart + i, r.offset(), db, null);
                }
                default -> {
                    return null;
                }
            }
            return new Read(windowStart + i, r.offset(), -1, null);
        } catch (IOException e) {
            return null;
        }
    }

    private byte[] read(long at, int len) throws IOException {
        byte[] buf = new byte[len];
        FileRanges.read(channel, at, buf, 0, len);
        return buf;
    }
}
