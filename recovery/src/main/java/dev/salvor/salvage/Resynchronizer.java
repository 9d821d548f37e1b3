package dev.salvor.salvage;

import dev.salvor.format.FileRanges;
import dev.salvor.rdb.RdbFormatException;
import dev.salvor.rdb.RdbOpcode;
import dev.salvor.rdb.RdbReader;
import dev.salvor.rdb.RdbToken;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds where intact records resume after damage: the first offset from which a complete,
 * structurally valid record parses and is confirmed by further valid records (or by a proper end
 * of file). Candidates are tried in memory on a window of the file, never by allocating from the
 * damaged bytes.
 *
 * <p>Precision before recall: each candidate's chain of records is judged by the candidate
 * rules of {@link CandidateChain} (what a server writes, keys read once, databases in order, bare
 * leads, enough confirmations); this class walks the candidates and widens the window when a
 * chain runs off its end.
 */
final class Resynchronizer {
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
        boolean dragonfly = ctx.flavor() == dev.salvor.rdb.RdbFlavor.DRAGONFLY;
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
                if (buf[i] == 0) {
                    // A run of zeros: each offset in it but the last two starts in zeroes (refused
                    // by probe), so go straight to the last two, which a record may start at.
                    int last = CandidateChain.zeroRunEnd(buf, i, len) - 3;
                    if (last > i) {
                        i = last;
                        continue;
                    }
                }
                if (!RdbOpcode.startsRecord(buf[i] & 0xff) && !(dragonfly && RdbOpcode.startsDragonflyRecord(buf[i] & 0xff))) continue;
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
            if (db <= ctx.db() || db > WrittenByServer.MAX_DB || r.next() != RdbToken.RESIZE_DB) return -1;
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

    /** Reads a chain of records from {@code buf[i]} and judges it by the candidate rules ({@link CandidateChain}). */
    private Probe probe(byte[] buf, int i, int len, long windowStart, RdbReader.Context ctx) {
        if (CandidateChain.startsInZeroes(buf, i, len) || CandidateChain.tailOfInteger(buf, i)) return Probe.REJECT;
        long candidate = windowStart + i;
        RdbReader r = RdbReader.probe(buf, i, len - i, candidate, fileSize, source, ctx);
        CandidateChain chain = new CandidateChain(ctx, candidate, fileSize, seenKeys);
        try {
            RdbToken t;
            while ((t = r.next()) != RdbToken.END) {
                CandidateChain.Verdict v = chain.record(t, r);
                if (v == CandidateChain.Verdict.ACCEPT) return Probe.ACCEPT;
                if (v == CandidateChain.Verdict.REJECT) {
                    // A bare lead refused at an anchoring record: its names are doubtful keys if
                    // the search resumes there.
                    if (chain.leadRefusedAt() >= 0) refusedLeads.putIfAbsent(chain.leadRefusedAt(), chain.refusedLead());
                    return Probe.REJECT;
                }
            }
            return Probe.REJECT;
        } catch (RdbFormatException e) {
            // Ran off the end of the window while the file goes on: try again with more bytes.
            return chain.mayNeedMore(e) && windowStart + len < fileSize ? Probe.NEED_MORE : Probe.REJECT;
        } catch (IOException e) {
            return Probe.REJECT;
        }
    }
}
