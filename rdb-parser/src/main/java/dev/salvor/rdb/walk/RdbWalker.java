package dev.salvor.rdb.walk;

import dev.salvor.rdb.RdbReader;
import dev.salvor.rdb.RdbToken;

import java.io.IOException;
import java.util.function.LongConsumer;

/**
 * Drives an {@link RdbReader} and feeds a {@link RdbVisitor}: the one place where tokens are
 * pulled for visitors, so exporters, digests and inspectors only react to what was read. Each key
 * is read as its visitor asks: element by element, decoded without delivery, or skipped by its
 * framing alone (as Jackson's {@code skipChildren}).
 */
public final class RdbWalker {
    /** How often the progress callback hears of the offset. */
    private static final long PROGRESS_STEP = 4 << 20;

    private RdbWalker() {
    }

    /** Reads the input to its end. */
    public static void walk(RdbReader reader, RdbVisitor visitor) throws IOException {
        walk(reader, visitor, Long.MAX_VALUE, null);
    }

    /**
     * Reads the records that start before {@code end} (an offset where a top-level record begins,
     * or Long.MAX_VALUE for the whole input). {@code progress}, when not null, hears the offset now
     * and then and at the end. On an error the visitor is told ({@link RdbVisitor#aborted}) and the
     * error is thrown.
     */
    public static void walk(RdbReader reader, RdbVisitor visitor, long end, LongConsumer progress) throws IOException {
        long nextReport = 0;
        try {
            RdbToken t;
            while (reader.offset() < end && (t = reader.next()) != RdbToken.END) {
                if (t == RdbToken.KEY) value(reader, visitor);
                else visitor.record(t, reader);
                if (progress != null && reader.offset() >= nextReport) {
                    progress.accept(reader.offset());
                    nextReport = reader.offset() + PROGRESS_STEP;
                }
            }
        } catch (IOException | RuntimeException e) {
            visitor.aborted(e, reader);
            throw e;
        } finally {
            if (progress != null) progress.accept(reader.offset());
        }
    }

    /**
     * At a KEY token: feeds the visitor this one key, up to and including its KEY_END (for callers
     * that pull the records themselves). On an error the visitor is told and the error is thrown.
     */
    public static void key(RdbReader reader, RdbVisitor visitor) throws IOException {
        try {
            value(reader, visitor);
        } catch (IOException | RuntimeException e) {
            visitor.aborted(e, reader);
            throw e;
        }
    }

    private static void value(RdbReader reader, RdbVisitor visitor) throws IOException {
        switch (visitor.beginKey(reader)) {
            case FRAMING -> reader.skipValue(RdbReader.Skip.FRAMING);
            case DECODE -> reader.skipValue(RdbReader.Skip.DECODE);
            default -> {
                while (reader.next() == RdbToken.ELEMENT) visitor.element(reader);
            }
        }
        visitor.endKey(reader);
    }
}
