package dev.salvor.rdb;

import java.util.Arrays;

/**
 * A Dragonfly compressed blob (dragonfly src/server/rdb_extensions.h: opcode 201 for ZSTD, 202 for
 * LZ4; rdb_save.cc CompressBlob writes the opcode, then the frame as an RDB string): a frame whose
 * content is ordinary RDB records, read as a source nested in the file (rdb_load.cc
 * HandleCompressedBlob, detail/decompress.cc, which appends a blob-end opcode 203 to the content).
 *
 * <p>No record inside a blob has file bytes of its own: the reader gives every record-level offset
 * of those records as the blob's {@link #start()} (and the end of a key's bytes as its
 * {@link #end()}), so ranges, regions and progress stay positions in the file; errors name the
 * offset in the {@link #decompressedLength() decompressed} content as well.
 *
 */
public final class CompressedBlob {
    private final FrameDecompressor.Codec codec;
    private final long start;
    private final long end;
    private final int db;
    private final byte[] content;

    CompressedBlob(FrameDecompressor.Codec codec, long start, long end, int db, byte[] content) {
        this.codec = codec;
        this.start = start;
        this.end = end;
        this.db = db;
        this.content = content;
    }

    /** The frame format. */
    public FrameDecompressor.Codec codec() {
        return codec;
    }

    /** File offset of the blob's opcode. */
    public long start() {
        return start;
    }

    /** File offset just past the frame. */
    public long end() {
        return end;
    }

    /** The database in effect where the blob begins. */
    public int db() {
        return db;
    }

    byte[] content() {
        return content;
    }

    /** How many bytes the frame decompressed to (0 until it was decompressed). */
    public int decompressedLength() {
        // The content ends in the blob-end opcode the loader appends.
        return content == null ? 0 : content.length - 1;
    }

    /** Whether the frame decompressed (an error inside the blob is then in its content). */
    public boolean decompressed() {
        return content != null;
    }

    /** A copy of the decompressed bytes {@code [from, to)} (offsets in the content). */
    public byte[] bytes(long from, long to) {
        if (content == null || from < 0 || to > decompressedLength() || from > to) {
            throw new IndexOutOfBoundsException("[" + from + ", " + to + ") of a blob of " + decompressedLength() + " bytes");
        }
        return Arrays.copyOfRange(content, (int) from, (int) to);
    }

    /** "LZ4 blob at offset 1234" for messages. */
    public String label() {
        return "Dragonfly " + codec + " blob at offset " + start;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CompressedBlob b && b.start == start && b.end == end && b.codec == codec;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(start) * 31 + Long.hashCode(end);
    }

    @Override
    public String toString() {
        return label() + " (" + (end - start) + " bytes, " + decompressedLength() + " decompressed)";
    }
}
