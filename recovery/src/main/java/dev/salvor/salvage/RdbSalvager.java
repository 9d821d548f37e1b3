package dev.salvor.salvage;

import dev.salvor.rdb.ChecksumStatus;
import dev.salvor.rdb.RdbFlavor;
import dev.salvor.rdb.RdbFormatException;
import dev.salvor.rdb.RdbReader;
import dev.salvor.rdb.RdbToken;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Reads an RDB file past its damage: records are read normally until one fails; the failing
 * record's bytes start a {@link CorruptRegion}; the {@link Resynchronizer} finds where intact
 * records resume; reading goes on from there, to the end of the file. Needs a seekable file.
 */
public final class RdbSalvager {
    private static final int MAX_NAMES = 10_000;

    private final Path file;
    private final SalvageListener listener;
    private final LongConsumer progress;

    private final KeyLedger ledger = new KeyLedger();
    private final List<CorruptRegion> regions = new ArrayList<>();
    private final List<byte[]> lostKeys = new ArrayList<>();
    private final List<byte[]> partialKeys = new ArrayList<>();
    private long recovered;
    private long partial;
    private long lost;
    private byte[] lastGoodKey;
    private PendingRegion pending;

    private record PendingRegion(long start, long end, String reason, String detail, long errorOffset,
                                 byte[] lastGoodKey, byte[] lostKey, boolean truncation) {
    }

    private RdbSalvager(Path file, SalvageListener listener, LongConsumer progress) {
        this.file = file;
        this.listener = listener;
        this.progress = progress;
    }

    public static SalvageReport salvage(Path file, SalvageListener listener, LongConsumer progress) throws IOException {
        return new RdbSalvager(file, listener, progress).run();
    }

    private SalvageReport run() throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            Resynchronizer resync = new Resynchronizer(ch, size, file.toString(), ledger);
            RdbReader reader = RdbReader.open(file);
            RdbReader.Context ctx;
            boolean headerDamaged = false;
            String magic;
            try {
                reader.next();
                ctx = reader.context();
                magic = reader.magic();
            } catch (RdbFormatException e) {
                reader.close();
                headerDamaged = true;
                ctx = guessContext(ch);
                magic = null;
                listener.start(ctx, null, true);
                reader = resumeAfter(resync, 0, size, e, ctx, null);
            }
            if (!headerDamaged) listener.start(ctx, magic, false);
            boolean reachedEof = false;
            ChecksumStatus checksum = ChecksumStatus.NOT_REACHED;
            long nextReport = 0;
            while (reader != null) {
                try {
                    RdbToken t = reader.next();
                    if (t == RdbToken.END) break;
                    if (t == RdbToken.KEY) {
                        listener.key(reader);
                        if (reader.inValue()) reader.skipValue();
                        byte[] key = reader.key();
                        ledger.add(KeyLedger.KeyId.of(reader.db(), key));
                        recovered++;
                        noteGoodKey(key);
                    } else if (t == RdbToken.EOF) {
                        reachedEof = true;
                        checksum = reader.checksumStatus();
                        listener.record(reader);
                    } else {
                        listener.record(reader);
                    }
                    if (progress != null && reader.offset() >= nextReport) {
                        progress.accept(reader.offset());
                        nextReport = reader.offset() + (4 << 20);
                    }
                } catch (RdbFormatException e) {
                    RdbReader failed = reader;
                    byte[] lostKey = failed.inValue() ? failed.key() : null;
                    if (lostKey != null) {
                        boolean kept = listener.keyInterrupted(failed, e);
                        if (kept) {
                            partial++;
                            if (partialKeys.size() < MAX_NAMES) partialKeys.add(lostKey);
                            ledger.add(KeyLedger.KeyId.of(failed.db(), lostKey));
                        } else {
                            lost++;
                            if (lostKeys.size() < MAX_NAMES) lostKeys.add(lostKey);
                        }
                    }
                    RdbReader.Context here = failed.context();
                    long start = failed.recordOffset();
                    failed.close();
                    reader = resumeAfter(resync, start, size, e, here, lostKey);
                }
            }
            if (reader != null) reader.close();
            flushPending(null);
            if (!regions.isEmpty() && checksum != ChecksumStatus.NOT_REACHED) checksum = ChecksumStatus.UNVERIFIABLE;
            if (progress != null) progress.accept(size);
            SalvageReport report = new SalvageReport(file.toString(), size, ctx.version(), ctx.flavor(), headerDamaged,
                    recovered, partial, lost, lostKeys, partialKeys, List.copyOf(regions), checksum, reachedEof);
            listener.end(report);
            return report;
        }
    }

    private RdbReader resumeAfter(Resynchronizer resync, long start, long size, RdbFormatException e,
                                  RdbReader.Context ctx, byte[] lostKey) throws IOException {
        Resynchronizer.Found found = resync.find(Math.max(start + 1, headerEnd(start)), ctx);
        long end = found.offset() < 0 ? size : found.offset();
        flushPending(null);
        pending = new PendingRegion(start, end, e.reason().text(), e.detail(), e.offset(), lastGoodKey, lostKey, found.offset() < 0);
        if (found.offset() < 0) return null;
        return RdbReader.resume(file, found.offset(), new RdbReader.Context(ctx.version(), ctx.flavor(), found.db()));
    }

    private static long headerEnd(long start) {
        return start == 0 ? 9 : start + 1;
    }

    private void noteGoodKey(byte[] key) throws IOException {
        flushPending(key);
        lastGoodKey = key;
    }

    private void flushPending(byte[] firstGoodKey) throws IOException {
        if (pending == null) return;
        CorruptRegion region = new CorruptRegion(pending.start, pending.end, pending.reason, pending.detail,
                pending.errorOffset, pending.lastGoodKey, firstGoodKey, pending.lostKey, pending.truncation);
        pending = null;
        regions.add(region);
        listener.damaged(region);
    }

    /** When the header is unreadable: take what digits survive, else assume a Redis RDB 9 layout. */
    private static RdbReader.Context guessContext(FileChannel ch) throws IOException {
        ByteBuffer head = ByteBuffer.allocate(9);
        ch.read(head, 0);
        String h = new String(head.array(), 0, head.position(), StandardCharsets.ISO_8859_1);
        int version = 9;
        RdbFlavor flavor = RdbFlavor.REDIS;
        if (h.startsWith("VALKEY")) {
            flavor = RdbFlavor.VALKEY;
            version = parseDigits(h, 6, 80);
        } else if (h.length() == 9) {
            version = parseDigits(h, 5, 9);
            if (version >= 80) flavor = RdbFlavor.VALKEY;
        }
        return new RdbReader.Context(version, flavor, 0);
    }

    private static int parseDigits(String h, int from, int fallback) {
        if (h.length() < 9) return fallback;
        String d = h.substring(from, 9);
        for (int i = 0; i < d.length(); i++) {
            if (!Character.isDigit(d.charAt(i))) return fallback;
        }
        int v = Integer.parseInt(d);
        return v == 0 ? fallback : v;
    }
}
