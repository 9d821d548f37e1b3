package dev.salvor.repair;

import dev.salvor.aof.AofFormatException;
import dev.salvor.aof.AofReader;
import dev.salvor.aof.AofSegment;
import dev.salvor.aof.AofToken;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * Reads every AOF segment past its damage. Commands are read normally until one fails; the
 * failing command starts a damaged region; reading resumes at the next offset where a
 * well-formed, known command begins and is followed by further well-formed commands (or the end
 * of the file). Events go to an {@link AofListener} in file order.
 */
public final class AofScanner {
    /** Commands that must follow a resynchronisation candidate (fewer only at the end of the file). */
    static final int CONFIRMATIONS = 2;
    private static final int WINDOW = 4 << 20;

    private long commandIndex;
    private java.util.function.LongConsumer progress;
    private long bytesBefore;
    private long nextReport;

    /** Reports bytes read over all segments (for a progress display); returns this scanner. */
    public AofScanner progress(java.util.function.LongConsumer progress) {
        this.progress = progress;
        return this;
    }

    /** Receives what the scan reads. */
    public interface AofListener {
        default void segmentStart(AofSegment segment) throws IOException {
        }

        default void preamble(AofSegment segment, long start, long end) throws IOException {
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
        AofReader reader = AofReader.open(file, segment.name());
        try {
            while (reader != null) {
                try {
                    AofToken t = reader.next();
                    switch (t) {
                        case END -> {
                            reader.close();
                            reader = null;
                        }
                        case PREAMBLE -> listener.preamble(segment, reader.start(), reader.end());
                        case COMMAND -> {
                            listener.command(segment, reader, ++commandIndex);
                            if (progress != null && bytesBefore + reader.start() >= nextReport) {
                                progress.accept(bytesBefore + reader.start());
                                nextReport = bytesBefore + reader.start() + (4 << 20);
                            }
                        }
                        case ANNOTATION -> listener.annotation(segment, reader);
                    }
                } catch (AofFormatException e) {
                    long start = e.reason() == AofFormatException.Reason.BAD_PREAMBLE ? 0
                            : e.reason() == AofFormatException.Reason.UNTERMINATED_MULTI ? e.offset() : reader.start();
                    long line = e.reason() == AofFormatException.Reason.BAD_PREAMBLE ? 1 : reader.line();
                    int db = reader.db();
                    long tx = reader.txCounter();
                    long size = reader.size();
                    reader.close();
                    reader = null;
                    if (e.reason() == AofFormatException.Reason.UNTERMINATED_MULTI) {
                        // Everything was read; the open transaction is reported and left to the listener.
                        listener.damaged(new AofRegion(segment.name(), start, size, lineOf(file, start), lineOf(file, size), e.reason().text(), e.detail(), commandIndex, false, 0));
                        break;
                    }
                    long resume = resync(file, segment.name(), Math.max(start + 1, e.reason() == AofFormatException.Reason.BAD_PREAMBLE ? e.offset() : start + 1), size);
                    long end = resume < 0 ? size : resume;
                    boolean tail = resume < 0;
                    String reason = e.reason().text();
                    listener.damaged(new AofRegion(segment.name(), start, end, line, lineOf(file, end), reason,
                            e.detail() + (tail && e.reason() != AofFormatException.Reason.TRUNCATED_TAIL ? "; no intact command follows" : ""),
                            commandIndex, tail, 0));
                    if (resume >= 0) reader = AofReader.openAt(file, segment.name(), resume, db, tx);
                }
            }
        } finally {
            if (reader != null) reader.close();
        }
        bytesBefore += java.nio.file.Files.size(file);
        if (progress != null) progress.accept(bytesBefore);
        listener.segmentEnd(segment);
    }

    /** 1-based line number of {@code offset} in {@code file}. */
    static long lineOf(Path file, long offset) throws IOException {
        try (FileChannel ch = AofSegment.open(file)) {
            byte[] buf = new byte[1 << 16];
            long n = 1;
            for (long p = 0; p < offset; ) {
                int r = ch.read(ByteBuffer.wrap(buf, 0, (int) Math.min(buf.length, offset - p)), p);
                if (r <= 0) break;
                for (int i = 0; i < r; i++) {
                    if (buf[i] == '\n') n++;
                }
                p += r;
            }
            return n;
        }
    }

    /** The first offset at or after {@code from} where intact commands resume, or -1. */
    static long resync(Path file, String segment, long from, long size) throws IOException {
        try (FileChannel ch = AofSegment.open(file)) {
            long windowStart = from;
            while (windowStart < size) {
                int len = (int) Math.min(WINDOW, size - windowStart);
                byte[] buf = new byte[len];
                ByteBuffer bb = ByteBuffer.wrap(buf);
                long p = windowStart;
                while (bb.hasRemaining()) {
                    int r = ch.read(bb, p);
                    if (r < 0) break;
                    p += r;
                }
                for (int i = 0; i < len; i++) {
                    // A command starts with "*<digit>"; anything else cannot be one.
                    if (buf[i] != '*' || i + 1 >= len || buf[i + 1] < '0' || buf[i + 1] > '9') continue;
                    if (confirmed(segment, buf, i, len, windowStart, size)) return windowStart + i;
                }
                if (windowStart + len >= size) break;
                windowStart += len - (1 << 16);
            }
            return -1;
        }
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
