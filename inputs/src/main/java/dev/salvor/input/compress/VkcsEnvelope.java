package dev.salvor.input.compress;

import dev.salvor.io.InputException;

import org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorInputStream;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Valkey 9.2's compressed RDB ({@code rdbcompression lz4}): an 8-byte envelope, then the whole
 * RDB as one LZ4 frame (valkey src/compression_stream.h and compression_stream.c, PR #3531: magic
 * {@code VKCS}, version 1, codec 1 for LZ4, flags with bit 0 for the codec's checksums and the rest
 * reserved, stream kind 0 for an RDB; compression_lz4.c: 64 KiB independent blocks, a checksum
 * per block when bit 0 is set). Read transparently through Commons Compress's framed LZ4, which
 * verifies those block checksums: damage is reported at the compressed byte where it was
 * detected, with how much of the RDB decompressed before it.
 */
final class VkcsEnvelope {
    static final String WRAPPER = "vkcs-lz4";
    private static final int SIZE = 8;

    private VkcsEnvelope() {
    }

    /** Whether {@code in} (which supports mark) starts with the envelope's magic. */
    static boolean matches(InputStream in) throws IOException {
        in.mark(SIZE);
        byte[] head = in.readNBytes(4);
        in.reset();
        return head.length == 4 && head[0] == 'V' && head[1] == 'K' && head[2] == 'C' && head[3] == 'S';
    }

    /** Reads and checks the envelope as Valkey's loader does (readVkcsEnvelope); the RDB it holds. */
    static InputStream open(String name, InputStream in) throws IOException {
        return open(name, in, null);
    }

    /**
     * As {@link #open(String, InputStream)}; with {@code lost} not null, for salvage: a damaged
     * block is skipped and added to it, and reading goes on at the next intact block ({@link VkcsSalvage}).
     */
    static InputStream open(String name, InputStream in, java.util.List<dev.salvor.io.LostBlock> lost) throws IOException {
        return open(name, in, lost, false);
    }

    /** As above; with {@code stopAtFirst} (for a check), the RDB ends at the first damaged block and the rest is only searched for damage. */
    static InputStream open(String name, InputStream in, java.util.List<dev.salvor.io.LostBlock> lost, boolean stopAtFirst) throws IOException {
        byte[] e = in.readNBytes(SIZE);
        if (e.length < SIZE) throw new InputException(name + ": the VKCS envelope is cut short (" + e.length + " of 8 bytes)");
        if (e[4] != 1) throw new InputException(name + ": VKCS envelope version " + (e[4] & 0xff) + " at byte offset 4 is not one Salvor reads (Valkey 9.2 writes 1)");
        if (e[5] != 1) throw new InputException(name + ": VKCS codec " + (e[5] & 0xff) + " at byte offset 5 is not one Valkey defines (1 = LZ4)");
        if ((e[6] & ~1) != 0) throw new InputException(name + ": VKCS flags 0x" + Integer.toHexString(e[6] & 0xff) + " at byte offset 6 set reserved bits");
        if (e[7] != 0) throw new InputException(name + ": VKCS stream kind " + (e[7] & 0xff) + " at byte offset 7 is not an RDB (0)");
        if (lost != null) return VkcsSalvage.open(name, in, lost, stopAtFirst);
        FramedLZ4CompressorInputStream lz4;
        BlockVerifier verified = new BlockVerifier(name, in);
        try {
            lz4 = new FramedLZ4CompressorInputStream(verified, false);
        } catch (InputException ex) {
            throw ex;
        } catch (IOException ex) {
            throw new InputException(name + ": the LZ4 frame after the VKCS envelope at byte offset 8 is not one: " + ex.getMessage(), ex);
        }
        return new Located(name, lz4, verified);
    }

    /**
     * Passes the frame on one whole block at a time, each block's checksum verified before any of
     * its bytes go on (LZ4 frame format: FLG bit 4, an XXH32 of the block's stored bytes after
     * them), so that a damaged block is reported at its own offset before the decompressor hands
     * on what it made of it. Only the frame's structure is read here; Commons Compress decodes.
     */
    private static final class BlockVerifier extends PieceStream {
        private final String name;
        private final InputStream in;
        /** Compressed bytes taken from the input so far (after the envelope). */
        private long consumed;
        private boolean blockChecksums;
        private boolean contentChecksum;
        private boolean headerRead;
        private boolean ended;

        BlockVerifier(String name, InputStream in) {
            this.name = name;
            this.in = in;
        }

        private byte[] take(int n, String what) throws IOException {
            byte[] b = new byte[n];
            takeInto(b, 0, n, what);
            return b;
        }

        private void takeInto(byte[] into, int off, int n, String what) throws IOException {
            int got = in.readNBytes(into, off, n);
            if (got < n) {
                throw new InputException(name + ": the VKCS LZ4 frame ends at byte offset " + (SIZE + consumed + got) + " while reading " + what);
            }
            consumed += n;
        }

        /** The next piece to pass on: the frame header, one verified block, or the end mark; false after it. */
        @Override
        protected boolean fill() throws IOException {
            if (ended) return false;
            if (!headerRead) {
                byte[] fixed = take(6, "the frame header");
                int flg = fixed[4] & 0xff;
                blockChecksums = (flg & 0x10) != 0;
                contentChecksum = (flg & 0x04) != 0;
                int rest = ((flg & 0x08) != 0 ? 8 : 0) + ((flg & 0x01) != 0 ? 4 : 0) + 1;
                byte[] more = take(rest, "the frame header");
                hand(concat(fixed, more));
                headerRead = true;
                return true;
            }
            long at = SIZE + consumed;
            byte[] size = take(4, "a block size");
            long word = (size[0] & 0xffL) | (size[1] & 0xffL) << 8 | (size[2] & 0xffL) << 16 | (size[3] & 0xffL) << 24;
            if (word == 0) {
                hand(contentChecksum ? concat(size, take(4, "the content checksum")) : size);
                ended = true;
                return true;
            }
            long n = word & 0x7fffffffL;
            if (n > 4 << 20) throw new InputException(name + ": damaged VKCS LZ4 stream: the block at byte offset " + at + " declares " + n + " bytes, over LZ4's 4 MiB block");
            // size word, stored bytes and checksum in one array: each block is copied once
            int tail = blockChecksums ? 4 : 0;
            byte[] block = new byte[4 + (int) n + tail];
            System.arraycopy(size, 0, block, 0, 4);
            takeInto(block, 4, (int) n, "the block at byte offset " + at);
            if (blockChecksums) {
                takeInto(block, 4 + (int) n, 4, "the checksum of the block at byte offset " + at);
                int c = 4 + (int) n;
                long stored = (block[c] & 0xffL) | (block[c + 1] & 0xffL) << 8 | (block[c + 2] & 0xffL) << 16 | (block[c + 3] & 0xffL) << 24;
                org.apache.commons.codec.digest.XXHash32 h = new org.apache.commons.codec.digest.XXHash32(0);
                h.update(block, 4, (int) n);
                if (h.getValue() != stored) {
                    throw new InputException(name + ": damaged VKCS LZ4 stream: the checksum of the block at byte offset " + at + " (" + n
                            + " compressed bytes) does not match; the RDB decompressed from the blocks before it is intact");
                }
            }
            hand(block);
            return true;
        }

        private static byte[] concat(byte[] a, byte[] b) {
            byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
            System.arraycopy(b, 0, out, a.length, b.length);
            return out;
        }

        /** After the frame's end: whether the input holds more bytes. */
        boolean moreAfterFrame() throws IOException {
            return in.read() >= 0;
        }

        long consumed() {
            return consumed;
        }
    }

    /** The decompressed RDB; a damaged frame is a located one-line error, and so are bytes after its end. */
    private static final class Located extends FilterInputStream {
        private final String name;
        private final FramedLZ4CompressorInputStream lz4;
        private final BlockVerifier compressed;
        private long delivered;
        private boolean ended;

        Located(String name, FramedLZ4CompressorInputStream lz4, BlockVerifier compressed) {
            super(lz4);
            this.name = name;
            this.lz4 = lz4;
            this.compressed = compressed;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (ended) return -1;
            int n;
            try {
                n = lz4.read(b, off, len);
            } catch (InputException ex) {
                throw ex;
            } catch (IOException ex) {
                throw new InputException(name + ": damaged VKCS LZ4 stream, detected at compressed byte offset " + (SIZE + lz4.getCompressedCount())
                        + " after " + delivered + " bytes of the RDB decompressed: " + ex.getMessage(), ex);
            }
            if (n < 0) {
                ended = true;
                // Valkey writes one frame and nothing after it (streamWriterFinish).
                if (compressed.moreAfterFrame()) {
                    throw new InputException(name + ": bytes follow the VKCS LZ4 frame, which ends at byte offset " + (SIZE + compressed.consumed()));
                }
                return -1;
            }
            delivered += n;
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            byte[] buf = new byte[(int) Math.min(n, 1 << 16)];
            long done = 0;
            while (done < n) {
                int r = read(buf, 0, (int) Math.min(buf.length, n - done));
                if (r < 0) break;
                done += r;
            }
            return done;
        }
    }
}
