package dev.salvor.input.compress;

import dev.salvor.io.InputException;
import dev.salvor.io.LostBlock;

import org.apache.commons.codec.digest.XXHash32;
import org.apache.commons.compress.compressors.lz4.BlockLZ4CompressorInputStream;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;

/**
 * The RDB inside a VKCS envelope as salvage reads it: block by block past damage. Each block of
 * the LZ4 frame (size word, stored bytes, XXH32 of them; LZ4 frame format, "Data Blocks") is used
 * only when its checksum matches and it decodes to at most the frame's block size; a block that
 * fails is skipped, and the next intact block is found by its own header: a size word no larger
 * than the block size whose bytes carry a matching checksum and decode. Valkey writes independent
 * blocks (compression_lz4.c), so a block decodes without the ones before it. Each skipped range
 * is handed to {@code lost} with where its bytes are missing from the decompressed stream; the
 * RDB salvage treats that point as a cut. A frame without block checksums, or with dependent
 * blocks, cannot be read past damage: the rest of it is then one lost range.
 */
final class VkcsSalvage extends PieceStream {
    private static final int ENVELOPE = 8;

    private final String name;
    private final Window in;
    private final List<LostBlock> lost;
    private int blockMax;
    private boolean blockChecksums;
    private boolean contentChecksum;
    private boolean independent;
    private boolean ended;

    /** For a check: the stream ends at the first lost block, and the rest of the frame is only searched for more damage. */
    private final boolean stopAtFirst;
    private boolean stopped;

    private VkcsSalvage(String name, InputStream in, List<LostBlock> lost, boolean stopAtFirst) {
        this.name = name;
        this.in = new Window(in);
        this.lost = lost;
        this.stopAtFirst = stopAtFirst;
    }

    /**
     * After the envelope (read and checked by the caller): the frame header, then the blocks as
     * they are read; with {@code stopAtFirst}, the decompressed stream ends where the first
     * damaged block's bytes would have been, and the blocks after it are still read (not handed
     * on) so that every damaged block is listed.
     */
    static InputStream open(String name, InputStream in, List<LostBlock> lost, boolean stopAtFirst) throws IOException {
        VkcsSalvage s = new VkcsSalvage(name, in, lost, stopAtFirst);
        s.header();
        return s;
    }

    /** The frame header (LZ4 frame format: magic, FLG, BD, optional content size and dictionary id, header checksum). */
    private void header() throws IOException {
        if (!in.ensure(7)) throw new InputException(name + ": the VKCS LZ4 frame header at byte offset 8 is cut short");
        if (in.le32(0) != 0x184D2204L) {
            throw new InputException(name + ": the LZ4 frame after the VKCS envelope at byte offset 8 does not start with the LZ4 frame magic");
        }
        int flg = in.at(4), bd = in.at(5);
        if ((flg >> 6) != 1) throw new InputException(name + ": LZ4 frame version " + (flg >> 6) + " at byte offset 12 is not 1");
        blockChecksums = (flg & 0x10) != 0;
        contentChecksum = (flg & 0x04) != 0;
        independent = (flg & 0x20) != 0;
        int code = (bd >> 4) & 7;
        if (code < 4) throw new InputException(name + ": LZ4 frame block size code " + code + " at byte offset 13 is not one LZ4 defines (4 to 7)");
        blockMax = 1 << (8 + 2 * code);
        int len = 7 + ((flg & 0x08) != 0 ? 8 : 0) + ((flg & 0x01) != 0 ? 4 : 0);
        if (!in.ensure(len)) throw new InputException(name + ": the VKCS LZ4 frame header at byte offset 8 is cut short");
        in.drop(len);
    }

    /** Hands on the next intact block's bytes; false at the end of the frame. */
    @Override
    protected boolean fill() throws IOException {
        while (!ended) {
            long at = in.position();
            String why = block(0, true);
            if (why == null) {
                if (!stopped) return true;
                handNothing();
                continue;
            }
            if (ended) return false;
            if (stopAtFirst) stopped = true;
            if (!blockChecksums || !independent) {
                loseToEnd(at, why + (blockChecksums ? "; the frame's blocks depend on each other" : "; the frame has no block checksums")
                        + ", so no later block can be proven intact");
                return false;
            }
            // Search on for the next block whose header, checksum and contents hold; the bytes
            // passed over leave the window as the search goes, so it stays a block long.
            Kept kept = new Kept();
            boolean found = false;
            int i = 1;
            while (in.ensure(i + 4)) {
                if (candidate(i)) {
                    found = true;
                    break;
                }
                if (++i >= 1 << 20) {
                    kept.add(in.take(i));
                    i = 0;
                }
            }
            if (!found) {
                loseToEnd(at, why, kept);
                return false;
            }
            kept.add(in.take(i));
            lost.add(new LostBlock(delivered(), ENVELOPE + at, ENVELOPE + at + kept.length, kept.bytes(), false, why));
        }
        return false;
    }

    private void loseToEnd(long at, String why) throws IOException {
        loseToEnd(at, why, new Kept());
    }

    private void loseToEnd(long at, String why, Kept kept) throws IOException {
        in.drain(kept);
        lost.add(new LostBlock(delivered(), ENVELOPE + at, ENVELOPE + at + kept.length, kept.bytes(), true, why));
        ended = true;
    }

    /**
     * The bytes of a lost range, kept for the quarantine up to {@link #KEPT_MAX} (a caller that
     * can read them again from the file itself does so instead); beyond it only counted.
     */
    static final int KEPT_MAX = 64 << 20;

    private static final class Kept {
        private final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        long length;

        void add(byte[] b) {
            add(b, 0, b.length);
        }

        void add(byte[] b, int off, int len) {
            length += len;
            int room = (int) Math.max(0, Math.min(len, KEPT_MAX - (long) bytes.size()));
            bytes.write(b, off, room);
        }

        byte[] bytes() {
            return bytes.toByteArray();
        }
    }

    /** Whether a block (or the end mark, when the frame ends right after it) starts at window index {@code i}. */
    private boolean candidate(int i) throws IOException {
        long word = in.le32(i);
        if (word == 0) {
            int tail = contentChecksum ? 4 : 0;
            return !in.ensure(i + 4 + tail + 1) && in.available() == i + 4 + tail;
        }
        long n = word & 0x7fffffffL;
        if (n == 0 || n > blockMax) return false;
        return block(i, false) == null;
    }

    /**
     * Reads the block at window index {@code i}: null when it is intact (and, with {@code take},
     * its bytes decoded and handed on), else what is wrong with it.
     */
    private String block(int i, boolean take) throws IOException {
        if (!in.ensure(i + 4)) {
            if (take && in.available() == i) {
                // The frame stops without its end mark: nothing is lost after the last whole block.
                ended = true;
                return "the frame ends without its end mark";
            }
            return "the stream ends inside a block size";
        }
        long word = in.le32(i);
        if (word == 0) {
            if (!take) return null;
            int tail = contentChecksum ? 4 : 0;
            if (!in.ensure(4 + tail)) return "the stream ends inside the frame's content checksum";
            in.drop(4 + tail);
            ended = true;
            if (in.ensure(1)) throw new InputException(name + ": bytes follow the VKCS LZ4 frame, which ends at byte offset " + (ENVELOPE + in.position()));
            return null;
        }
        boolean stored = (word & 0x80000000L) != 0;
        long n = word & 0x7fffffffL;
        if (n > blockMax) return "the block declares " + n + " bytes, over the frame's " + blockMax + "-byte blocks";
        int tail = blockChecksums ? 4 : 0;
        if (!in.ensure(i + 4 + (int) n + tail)) return "the stream ends inside the block";
        if (blockChecksums) {
            XXHash32 h = new XXHash32(0);
            h.update(in.array(), in.index(i + 4), (int) n);
            if (h.getValue() != in.le32(i + 4 + (int) n)) return "its checksum does not match";
        }
        byte[] data;
        if (stored) {
            data = Arrays.copyOfRange(in.array(), in.index(i + 4), in.index(i + 4) + (int) n);
        } else {
            try (InputStream b = new BlockLZ4CompressorInputStream(new ByteArrayInputStream(in.array(), in.index(i + 4), (int) n))) {
                data = b.readNBytes(blockMax + 1);
            } catch (IOException | RuntimeException e) {
                return "it does not decode: " + e.getMessage();
            }
            if (data.length > blockMax) return "it decodes to more than the frame's " + blockMax + "-byte blocks";
        }
        if (take) {
            in.drop(4 + (int) n + tail);
            hand(data);
        }
        return null;
    }

    /** The compressed bytes ahead, held in a buffer that grows to what a look-ahead needs (a block and its header). */
    private static final class Window {
        private final InputStream in;
        private byte[] buf = new byte[1 << 17];
        private int start;
        private int end;
        private long position;
        private boolean eof;

        Window(InputStream in) {
            this.in = in;
        }

        /** Whether {@code n} bytes are ahead (reading more as needed). */
        boolean ensure(int n) throws IOException {
            while (end - start < n && !eof) {
                if (end == buf.length || buf.length - start < n) {
                    // Out of room: move what is ahead to the front, and grow only when that is not enough.
                    if (start > 0) {
                        System.arraycopy(buf, start, buf, 0, end - start);
                        end -= start;
                        start = 0;
                    }
                    if (buf.length < n || end == buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, n));
                }
                int r = in.read(buf, end, buf.length - end);
                if (r < 0) eof = true;
                else end += r;
            }
            return end - start >= n;
        }

        int available() {
            return end - start;
        }

        int at(int i) {
            return buf[start + i] & 0xff;
        }

        long le32(int i) {
            return at(i) | (long) at(i + 1) << 8 | (long) at(i + 2) << 16 | (long) at(i + 3) << 24;
        }

        byte[] array() {
            return buf;
        }

        int index(int i) {
            return start + i;
        }

        long position() {
            return position;
        }

        void drop(int n) {
            start += n;
            position += n;
        }

        byte[] take(int n) {
            byte[] b = Arrays.copyOfRange(buf, start, start + n);
            drop(n);
            return b;
        }

        /** Everything left, into {@code kept}. */
        void drain(Kept kept) throws IOException {
            kept.add(buf, start, end - start);
            drop(end - start);
            byte[] chunk = new byte[1 << 16];
            for (int r; (r = in.read(chunk)) >= 0; ) {
                kept.add(chunk, 0, r);
                position += r;
            }
            eof = true;
        }
    }
}
