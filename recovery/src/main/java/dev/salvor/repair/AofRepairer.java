package dev.salvor.repair;

import dev.salvor.aof.AofLayout;
import dev.salvor.aof.AofReader;
import dev.salvor.aof.AofSegment;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Rebuilds an AOF from what {@link AofScanner} reads: every intact command kept, in order, once;
 * nothing invented. A transaction that lost any part to damage is dropped whole (unless partial
 * transactions are kept), as is an unterminated one. Optional point-in-time cut ({@code until},
 * like redis-check-aof --truncate-to-timestamp) and dropped command names (e.g. FLUSHALL).
 * Output goes to one stream per segment, supplied by the caller.
 */
public final class AofRepairer implements AofScanner.AofListener {
    /** Supplies the output stream of each segment (null: a check, nothing is written). */
    public interface Outputs {
        OutputStream open(AofSegment segment) throws IOException;
    }

    private final AofLayout layout;
    private final Outputs outputs;
    private final boolean keepPartialTransactions;
    private final long untilMs;
    private final Set<String> drop;

    private static final byte[] EMPTY = new byte[0];
    private OutputStream out;
    private final List<byte[]> txBuffer = new ArrayList<>();
    private boolean inTx;
    private boolean txBroken;
    private boolean orphanTail; // after resynchronising inside a transaction: commands up to its EXEC
    private boolean stopped;
    private long read;
    private long kept;
    private long dropped;
    private long txDropped;
    private final Map<String, Long> droppedByName = new TreeMap<>();
    private final List<AofRegion> regions = new ArrayList<>();

    private java.util.function.LongConsumer progress;

    public AofRepairer(AofLayout layout, Outputs outputs, boolean keepPartialTransactions, long untilMs, Set<String> drop) {
        this.layout = layout;
        this.outputs = outputs;
        this.keepPartialTransactions = keepPartialTransactions;
        this.untilMs = untilMs;
        this.drop = drop.stream().map(s -> s.toLowerCase(Locale.ROOT)).collect(java.util.stream.Collectors.toSet());
    }

    /** Scans the whole AOF and writes the repaired segments. */
    /** Reports bytes read over all segments while {@link #run()} reads them; returns this repairer. */
    public AofRepairer progress(java.util.function.LongConsumer progress) {
        this.progress = progress;
        return this;
    }

    public AofRepairReport run() throws IOException {
        new AofScanner().progress(progress).scan(layout.segments(), this);
        List<String> names = layout.segments().stream().map(AofSegment::name).toList();
        return new AofRepairReport(layout.path().toString(), layout.multiPart(), names, read, kept, dropped, txDropped,
                droppedByName, untilMs, stopped, List.copyOf(regions));
    }

    @Override
    public void segmentStart(AofSegment segment) throws IOException {
        out = outputs == null ? null : outputs.open(segment);
        inTx = false;
        txBroken = false;
        orphanTail = false;
    }

    @Override
    public void preamble(AofSegment segment, long start, long end) throws IOException {
        if (out == null || stopped) return;
        try (FileChannel ch = AofSegment.open(segment.file())) {
            byte[] buf = new byte[1 << 20];
            for (long p = start; p < end; ) {
                int n = ch.read(ByteBuffer.wrap(buf, 0, (int) Math.min(buf.length, end - p)), p);
                if (n <= 0) throw new IOException(segment.name() + ": preamble ended early at " + p);
                out.write(buf, 0, n);
                p += n;
            }
        }
    }

    @Override
    public void annotation(AofSegment segment, AofReader reader) throws IOException {
        if (stopped) return;
        if (untilMs >= 0 && reader.timestampMs() > untilMs) {
            stopped = true;
            return;
        }
        emit(("#" + reader.annotation() + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
    }

    @Override
    public void command(AofSegment segment, AofReader reader, long index) throws IOException {
        read++;
        if (stopped) {
            dropped++;
            return;
        }
        String name = reader.commandName();
        // A check writes nothing: no need to encode.
        byte[] encoded = out == null ? EMPTY : encode(reader.argv());
        if (orphanTail) {
            // The transaction this belongs to lost its start to damage.
            dropped++;
            if (name.equals("exec") || name.equals("discard")) orphanTail = false;
            if (name.equals("multi")) {
                orphanTail = false;
            } else {
                return;
            }
        }
        switch (name) {
            case "multi" -> {
                inTx = true;
                txBroken = false;
                txBuffer.clear();
                txBuffer.add(encoded);
                return;
            }
            case "exec", "discard" -> {
                if (!inTx) {
                    dropped++;
                    return;
                }
                txBuffer.add(encoded);
                inTx = false;
                if (txBroken && !keepPartialTransactions) {
                    dropped += txBuffer.size();
                    txDropped++;
                } else {
                    for (byte[] b : txBuffer) {
                        if (txBroken && isTxControl(b)) continue;
                        emit(b);
                        kept++;
                    }
                }
                txBuffer.clear();
                return;
            }
            default -> {
            }
        }
        if (drop.contains(name)) {
            dropped++;
            droppedByName.merge(name, 1L, Long::sum);
            return;
        }
        if (inTx) {
            txBuffer.add(encoded);
            return;
        }
        emit(encoded);
        kept++;
    }

    private static boolean isTxControl(byte[] encoded) {
        String s = new String(encoded, 0, Math.min(encoded.length, 24), StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
        return s.contains("\r\nmulti\r\n") || s.contains("\r\nexec\r\n") || s.contains("\r\ndiscard\r\n");
    }

    @Override
    public void damaged(AofRegion region) throws IOException {
        long lost = 0;
        if (inTx) {
            // The open transaction lost a part; after resynchronising, its remaining commands
            // (up to EXEC) arrive without a MULTI.
            txBroken = true;
            if (!region.truncatedTail() && !region.reason().equals("unterminated MULTI")) {
                if (!keepPartialTransactions) {
                    lost = txBuffer.size();
                    dropped += lost;
                    txDropped++;
                    txBuffer.clear();
                    inTx = false;
                    orphanTail = true;
                } else {
                    inTx = true;
                }
            }
        }
        regions.add(lost == 0 ? region : new AofRegion(region.segment(), region.start(), region.end(), region.startLine(), region.endLine(), region.reason(),
                region.detail(), region.lastGoodCommand(), region.truncatedTail(), lost));
    }

    @Override
    public void segmentEnd(AofSegment segment) throws IOException {
        if (inTx) {
            // Unterminated at the end of the file: Redis would not apply it either.
            if (keepPartialTransactions) {
                for (byte[] b : txBuffer) {
                    if (isTxControl(b)) continue;
                    emit(b);
                    kept++;
                }
            } else {
                dropped += txBuffer.size();
                txDropped++;
            }
            txBuffer.clear();
            inTx = false;
        }
        if (out != null) {
            out.flush();
            out.close();
        }
    }

    private void emit(byte[] b) throws IOException {
        if (out != null) out.write(b);
    }

    /** The RESP form Redis writes to an AOF. */
    public static byte[] encode(byte[][] argv) {
        int size = 16;
        for (byte[] a : argv) size += a.length + 16;
        java.io.ByteArrayOutputStream bo = new java.io.ByteArrayOutputStream(size);
        byte[] head = ("*" + argv.length + "\r\n").getBytes(StandardCharsets.US_ASCII);
        bo.write(head, 0, head.length);
        for (byte[] a : argv) {
            byte[] len = ("$" + a.length + "\r\n").getBytes(StandardCharsets.US_ASCII);
            bo.write(len, 0, len.length);
            bo.write(a, 0, a.length);
            bo.write('\r');
            bo.write('\n');
        }
        return bo.toByteArray();
    }
}
