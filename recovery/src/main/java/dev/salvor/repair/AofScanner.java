package dev.salvor.repair;

import dev.salvor.aof.AofFormatException;
import dev.salvor.aof.AofPreamble;
import dev.salvor.aof.AofReader;
import dev.salvor.aof.AofSegment;
import dev.salvor.aof.AofToken;
import dev.salvor.aof.LineIndex;
import dev.salvor.format.FileRanges;
import dev.salvor.format.InputFile;
import dev.salvor.rdb.RdbReader;
import dev.salvor.salvage.CorruptRegion;
import dev.salvor.salvage.RdbSalvager;
import dev.salvor.salvage.SalvageVisitor;
import dev.salvor.salvage.SalvageReport;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * Reads every AOF segment past its damage. Commands are read normally until one fails; the
 * failing command starts a damaged region; reading resumes at the next offset where a
 * well-formed, known command begins and is followed by further well-formed commands (or the end
 * of the file). A damaged RDB preamble or base is read by the RDB salvager up to its true end
 * (the offset after an RDB end marker where commands begin), and the commands after it are read
 * as usual. Events go to an {@link AofListener} in file order.
 */
public final class AofScanner {
    /** Commands that must follow a resynchronisation candidate (fewer only at the end of the file). */
    static final int CONFIRMATIONS = 2;
    private static final int WINDOW = 4 << 20;
    /** The RDB end marker (EOF opcode and CRC64) that precedes an AOF's commands. */
    private static final int RDB_TRAILER = 9;

    private long commandIndex;
    private java.util.function.LongConsumer progress;
    private long bytesBefore;
    private long nextReport;

    /** Reports bytes read over all segments (for a progress display); returns this scanner. */
    public AofScanner progress(java.util.function.LongConsumer progress) {
        this.progress = progress;
        return this;
    }
    // The latest #TS: annotation read, carried across resynchronisations and files.
    private long timestampMs = -1;

    /** Receives what the scan reads. */
    public interface AofListener {
        default void segmentStart(AofSegment segment) throws IOException {
        }

        /** An intact RDB preamble or base, {@code [0, preamble.end())}. */
        default void preamble(AofSegment segment, AofPreamble preamble) throws IOException {
        }

        /**
         * Where the keys salvaged from a damaged preamble or base go (null: counted, not kept).
         * Offsets the visitor is told are the segment file's own (it may copy raw bytes from it).
         */
        default SalvageVisitor preambleListener(AofSegment segment) throws IOException {
            return null;
        }

        /** A damaged preamble or base was salvaged over {@code [0, end)}; its regions follow as {@link #damaged} events. */
        default void preambleSalvaged(AofSegment segment, SalvageReport report, long end) throws IOException {
        }

        /** An intact command; {@code index} counts commands over the whole AOF from 1. */
        void command(AofSegment segment, AofReader reader, long index) throws IOException;

        default void annotation(AofSegment segment, AofReader reader) throws IOException {
        }

        default void damaged(AofRegion region) throws IOException {
        }

        default void segmentEnd(AofSegment segment) throws IOException {
        }
    }

    public void scan(Iterable<AofSegment> segments, AofListener listener) throws IOException {
        for (AofSegment s : segments) scan(s, listener);
    }

    private void scan(AofSegment segment, AofListener listener) throws IOException {
        listener.segmentStart(segment);
        Path file = segment.file();
        LineIndex lines = new LineIndex(file);
        AofReader reader = AofReader.open(file, segment.name(), lines);
        try {
            AofPreamble preamble = reader.preamble();
            long size = reader.size();
            if (preamble != null && preamble.damaged() || preamble == null && headerlessRdb(segment, size)) {
                reader.close();
                reader = null;
                long knownEnd = preamble != null && preamble.error() == null ? preamble.end() : -1;
                long resume = preambleDamaged(segment, lines, knownEnd, size, listener);
                if (resume >= 0) reader = AofReader.openAt(file, segment.name(), resume, 0, 0, timestampMs, lines);
            }
            if (reader != null) reader.inheritTimestamp(timestampMs);
            while (reader != null) {
                try {
                    AofToken t = reader.next();
                    switch (t) {
                        case END -> {
                            reader.close();
                            reader = null;
                        }
                        case PREAMBLE -> listener.preamble(segment, reader.preamble());
                        case COMMAND -> {
                            listener.command(segment, reader, ++commandIndex);
                            if (progress != null && bytesBefore + reader.start() >= nextReport) {
                                progress.accept(bytesBefore + reader.start());
                                nextReport = bytesBefore + reader.start() + (4 << 20);
                            }
                        }
                        case ANNOTATION -> {
                            if (reader.timestampMs() >= 0) timestampMs = reader.timestampMs();
                            listener.annotation(segment, reader);
                        }
                    }
                } catch (AofFormatException e) {
                    boolean openTx = reader.inMulti();
                    long multi = reader.multiStart();
                    long start = reader.start();
                    int db = reader.db();
                    long tx = reader.txCounter();
                    reader.close();
                    reader = null;
                    if (e.reason() == AofFormatException.Reason.UNTERMINATED_MULTI) {
                        // Every command was read; the file ends inside a transaction, which the
                        // server reverts on load as it does a cut-off tail.
                        listener.damaged(new AofRegion(segment.name(), multi, size, lines.lineAt(multi), lines.lineAt(size), e.reason().text(),
                                "the file ends inside a transaction: the MULTI at byte offset " + multi + " has no EXEC (the server reverts it on load, as a cut-off tail)",
                                commandIndex, true, 0, 0, multi, lines.lineAt(multi)));
                        break;
                    }
                    long resume = resync(file, segment.name(), start + 1, size);
                    long end = resume < 0 ? size : resume;
                    boolean tail = resume < 0;
                    listener.damaged(new AofRegion(segment.name(), start, end, lines.lineAt(start), lines.lineAt(end), e.reason().text(),
                            e.detail() + (tail && e.reason() != AofFormatException.Reason.TRUNCATED_TAIL ? "; no intact command follows" : ""),
                            commandIndex, tail, 0, CommandHeaders.count(file, start, end), openTx ? multi : -1, openTx ? lines.lineAt(multi) : 0));
                    if (resume >= 0) reader = AofReader.openAt(file, segment.name(), resume, db, tx, timestampMs, lines);
                }
            }
        } finally {
            if (reader != null) reader.close();
        }
        bytesBefore += java.nio.file.Files.size(file);
        if (progress != null) progress.accept(bytesBefore);
        listener.segmentEnd(segment);
    }

    /**
     * A damaged RDB preamble or base: finds where its commands begin, salvages the RDB part with
     * the RDB salvager (its keys to the listener's salvage listener, its damaged regions as AOF
     * regions of the segment) and reports any damaged bytes between the two.
     *
     * @return where the commands begin, or -1 when none follow
     */
    private long preambleDamaged(AofSegment segment, LineIndex lines, long knownEnd, long size, AofListener listener) throws IOException {
        Path file = segment.file();
        // Readable with a checksum that does not match: its end is known. Otherwise the commands
        // begin right after the RDB end marker; when that did not survive, at the first confirmed
        // commands after the header.
        long commands = knownEnd >= 0 ? knownEnd : scan(file, segment.name(), RDB_TRAILER, size, RDB_END);
        if (commands < 0) commands = scan(file, segment.name(), RDB_TRAILER, size, ANY);
        long end = commands < 0 ? size : commands;
        long rdbEnd = salvagePreamble(segment, lines, end, size, listener);
        if (rdbEnd < end) {
            listener.damaged(new AofRegion(segment.name(), rdbEnd, end, lines.lineAt(rdbEnd), lines.lineAt(end),
                    AofFormatException.Reason.BAD_PREFIX.text(), "bytes after the RDB end marker that are neither RDB records nor intact commands",
                    commandIndex, false, 0, CommandHeaders.count(file, rdbEnd, end), -1, 0));
        }
        return commands >= 0 && commands < size ? commands : -1;
    }

    /**
     * An RDB part whose header did not survive: a base file named {@code .rdb}, or a file that
     * does not start as commands do but holds commands right after an RDB end marker.
     */
    private static boolean headerlessRdb(AofSegment segment, long size) throws IOException {
        if (size == 0) return false;
        try (FileChannel ch = AofSegment.open(segment.file())) {
            ByteBuffer first = ByteBuffer.allocate(1);
            ch.read(first, 0);
            if (first.get(0) == '*' || first.get(0) == '#') return false;
        }
        return segment.name().endsWith(".rdb") || scan(segment.file(), segment.name(), RDB_TRAILER, size, RDB_END) >= 0;
    }

    /**
     * Salvages {@code [0, end)} of a segment with the RDB salvager.
     *
     * @return where its records end: after the RDB end marker when the salvager read one, else {@code end}
     */
    private long salvagePreamble(AofSegment segment, LineIndex lines, long end, long size, AofListener listener) throws IOException {
        Path file = segment.file();
        SalvageVisitor keys = listener.preambleListener(segment);
        // The RDB part alone (offsets from 0 are the file's): the commands after it are not RDB records.
        // The segment is opened once, without following a link, and the salvager reads only through it.
        try (InputFile in = InputFile.of(AofSegment.open(file), file, file.toString())) {
            SalvageReport report = end < size
                    ? RdbSalvager.salvage(in, 0, end, Path.of(System.getProperty("java.io.tmpdir")), keys != null ? keys : SalvageVisitor.NONE, null)
                    : RdbSalvager.salvage(in, keys != null ? keys : SalvageVisitor.NONE, null);
            return preambleSalvaged(segment, in, lines, report, end, size, listener);
        }
    }

    private long preambleSalvaged(AofSegment segment, InputFile in, LineIndex lines, SalvageReport report, long end, long size,
                                  AofListener listener) throws IOException {
        listener.preambleSalvaged(segment, report, end);
        long resume = 0;
        for (CorruptRegion c : report.regions()) {
            listener.damaged(new AofRegion(segment.name(), c.start(), c.end(), lines.lineAt(c.start()), lines.lineAt(c.end()),
                    segment.kind() == AofSegment.Kind.BASE ? "damaged RDB base" : AofFormatException.Reason.BAD_PREAMBLE.text(),
                    c.reason() + ": " + c.detail(), commandIndex, c.truncation() && end == size,
                    0, 0, -1, 0));
            resume = c.end();
        }
        return report.reachedEof() ? recordsEnd(in, resume, report, end) : end;
    }

    /**
     * Where the records read on from {@code from} (a record boundary: the end of the last region)
     * end, or {@code end} (also when reading them runs past it).
     */
    private static long recordsEnd(InputFile file, long from, SalvageReport report, long end) throws IOException {
        if (from == 0) return end;
        try (RdbReader r = RdbReader.resume(file, from, new RdbReader.Context(report.version(), report.flavor(), 0))) {
            while (r.next() != dev.salvor.rdb.RdbToken.END) {
                if (r.inValue()) r.skipValue(RdbReader.Skip.FRAMING);
            }
            return Math.min(end, r.offset());
        } catch (dev.salvor.rdb.RdbFormatException e) {
            return end;
        }
    }

    /** The first offset at or after {@code from} where intact commands resume, or -1. */
    static long resync(Path file, String segment, long from, long size) throws IOException {
        return scan(file, segment, from, size, ANY);
    }

    /**
     * Candidates: any {@code *<digit>} or annotation at a line start, or one right after an RDB
     * end marker.
     */
    private static final int ANY = 0;
    private static final int RDB_END = 1;

    /**
     * The first candidate at or after {@code from} and before {@code size}: after an RDB end
     * marker (the EOF opcode 0xff and a CRC64) where {@code mode} asks for it, and confirmed by
     * further well-formed commands; or -1.
     */
    private static long scan(Path file, String segment, long from, long size, int mode) throws IOException {
        try (FileChannel ch = AofSegment.open(file)) {
            size = Math.min(size, ch.size());
            long fileSize = ch.size();
            long windowStart = Math.max(0, from - RDB_TRAILER);
            while (windowStart < size) {
                int len = (int) Math.min(WINDOW, fileSize - windowStart);
                byte[] buf = new byte[len];
                FileRanges.read(ch, windowStart, buf, 0, len);
                int first = (int) Math.max(0, from - windowStart);
                int last = (int) Math.min(len, size - windowStart);
                for (int i = first; i < last; i++) {
                    // Commands start with "*<digit>", or with an annotation line ("#TS:...") before them.
                    if (!(buf[i] == '*' && i + 1 < len && buf[i + 1] >= '0' && buf[i + 1] <= '9' || buf[i] == '#' && (i == 0 || buf[i - 1] == '\n'
                            || mode != ANY))) {
                        continue;
                    }
                    if (mode != ANY && (i < RDB_TRAILER || buf[i - RDB_TRAILER] != (byte) 0xff)) continue;
                    if (confirmed(segment, buf, i, len, windowStart, fileSize)) return windowStart + annotationsBefore(buf, i, first);
                }
                if (windowStart + len >= size) break;
                windowStart += len - (1 << 16);
            }
            return -1;
        }
    }

    /**
     * Where the {@code #TS:} annotation lines right before a confirmed command begin (they are
     * intact too: keep them), not before {@code floor}; {@code i} when there are none.
     */
    private static int annotationsBefore(byte[] buf, int i, int floor) {
        int start = i;
        while (start - 2 >= floor && buf[start - 1] == '\n' && buf[start - 2] == '\r') {
            int j = start - 3;
            while (j >= floor && j > start - AofReader.MAX_ANNOTATION && buf[j] >= '0' && buf[j] <= '9') j--;
            if (j == start - 3 || j - 3 < floor || buf[j] != ':' || buf[j - 1] != 'S' || buf[j - 2] != 'T' || buf[j - 3] != '#') break;
            start = j - 3;
        }
        return start;
    }

    private static boolean confirmed(String segment, byte[] buf, int i, int len, long windowStart, long size) {
        AofReader probe = AofReader.probe(segment, buf, i, len - i, windowStart + i, size);
        int good = 0;
        try {
            while (true) {
                AofToken t = probe.next();
                if (t == AofToken.END) return good > 0 && windowStart + len == size;
                if (t == AofToken.COMMAND && ++good > CONFIRMATIONS) return true;
            }
        } catch (AofFormatException e) {
            // At the end of the window (not of the file) a long chain is as good as confirmed.
            return good > CONFIRMATIONS || good > 0 && e.reason() == AofFormatException.Reason.TRUNCATED_TAIL && windowStart + len < size;
        } catch (IOException e) {
            return false;
        }
    }
}
