package dev.salvor.salvage;

import dev.salvor.format.FileRanges;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps the raw bytes of every damaged region, back to back, so nothing skipped is lost; each
 * region's place in the quarantine file is listed in the report.
 */
public final class QuarantineWriter implements SalvageVisitor {
    /** Where one region's bytes sit in the quarantine file. */
    public record Entry(long sourceStart, long sourceEnd, long quarantineOffset) {
    }

    private final FileChannel input;
    private final OutputStream out;
    private final List<Entry> entries = new ArrayList<>();
    private long written;

    public QuarantineWriter(FileChannel input, OutputStream out) {
        this.input = input;
        this.out = out;
    }

    @Override
    public void damaged(CorruptRegion region) throws IOException {
        entries.add(new Entry(region.start(), region.end(), written));
        FileRanges.copy(input, region.start(), region.end(), out);
        written += region.end() - region.start();
    }

    @Override
    public void end(SalvageReport report) throws IOException {
        out.flush();
    }

    public List<Entry> entries() {
        return entries;
    }

    public long bytesWritten() {
        return written;
    }
}
