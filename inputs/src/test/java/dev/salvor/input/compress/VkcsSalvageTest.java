package dev.salvor.input.compress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvor.io.LostBlock;
import org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorOutputStream;
import org.junit.jupiter.api.Test;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The VKCS stream as salvage reads it, on data compressed by Commons Compress's LZ4 at Valkey's
 * settings (64 KiB independent blocks with checksums): the oracle is the plain data itself, block
 * by block (each block holds the next 64 KiB of it), so what comes out must be exactly the blocks
 * that were not touched, in order, with one cut per damaged run.
 */
class VkcsSalvageTest {
    private static final int BLOCK = 64 * 1024;

    private static byte[] vkcs(byte[] plain) throws Exception {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        bos.write(new byte[] {'V', 'K', 'C', 'S', 1, 1, 1, 0});
        try (FramedLZ4CompressorOutputStream lz4 = new FramedLZ4CompressorOutputStream(bos,
                new FramedLZ4CompressorOutputStream.Parameters(FramedLZ4CompressorOutputStream.BlockSize.K64, false, true, false))) {
            lz4.write(plain);
        }
        return bos.toByteArray();
    }

    /** Each block's [start, end) in the compressed bytes, found by walking the frame's size words. */
    private static List<int[]> blocks(byte[] v) {
        List<int[]> out = new ArrayList<>();
        int at = 8 + 7;
        while (true) {
            long word = (v[at] & 0xffL) | (v[at + 1] & 0xffL) << 8 | (v[at + 2] & 0xffL) << 16 | (v[at + 3] & 0xffL) << 24;
            if (word == 0) return out;
            int n = (int) (word & 0x7fffffffL);
            out.add(new int[] {at, at + 4 + n + 4});
            at += 4 + n + 4;
        }
    }

    private static byte[] read(byte[] v, List<LostBlock> lost) throws Exception {
        Unwrapping.Unwrapped u = Unwrapping.unwrap("test.rdb", new BufferedInputStream(new ByteArrayInputStream(v), 1 << 16), v.length, null, null, lost);
        try (InputStream in = u.stream()) {
            return in.readAllBytes();
        }
    }

    /** Plain data that compresses somewhat, as an RDB does: text with repeats. */
    private static byte[] plain(int size) {
        Random r = new Random(7);
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) b[i] = (byte) (i % 97 < 90 ? 'a' + r.nextInt(26) : 'x');
        return b;
    }

    /**
     * The same frame with every block stored as it is (the size word's high bit; LZ4 frame format
     * "Data Blocks"), each with its XXH32: quick to make at any size, for a damaged run longer
     * than the search's window.
     */
    private static byte[] vkcsStored(byte[] plain) throws Exception {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        bos.write(new byte[] {'V', 'K', 'C', 'S', 1, 1, 1, 0});
        // Frame header: magic, FLG (version 1, independent blocks, block checksums), BD (64 KiB), header checksum.
        byte[] flgBd = {0x70, 0x40};
        bos.write(new byte[] {0x04, 0x22, 0x4d, 0x18});
        bos.write(flgBd);
        org.apache.commons.codec.digest.XXHash32 hc = new org.apache.commons.codec.digest.XXHash32(0);
        hc.update(flgBd, 0, 2);
        bos.write((int) (hc.getValue() >> 8) & 0xff);
        for (int at = 0; at < plain.length; at += BLOCK) {
            int n = Math.min(BLOCK, plain.length - at);
            le32(bos, n | 0x80000000L);
            bos.write(plain, at, n);
            org.apache.commons.codec.digest.XXHash32 h = new org.apache.commons.codec.digest.XXHash32(0);
            h.update(plain, at, n);
            le32(bos, h.getValue());
        }
        le32(bos, 0);
        return bos.toByteArray();
    }

    private static void le32(ByteArrayOutputStream out, long v) {
        for (int i = 0; i < 4; i++) out.write((int) (v >>> (8 * i)) & 0xff);
    }

    @Test
    void aLongDamagedRunIsSearchedPastAndTheRestIsExact() throws Exception {
        byte[] data = plain(40 * BLOCK);
        byte[] v = vkcsStored(data);
        assertThat(read(vkcsStored(data), new ArrayList<>())).isEqualTo(data);
        List<int[]> blocks = blocks(v);
        // Garbage over more than a mebibyte of compressed bytes: from inside block 3 to inside block k.
        int from = blocks.get(3)[0] + 10;
        int to = from + (3 << 19);
        int k = 0;
        while (blocks.get(k)[1] <= to) k++;
        Random r = new Random(1);
        for (int i = from; i < to; i++) v[i] = (byte) r.nextInt(256);
        List<LostBlock> lost = new ArrayList<>();
        byte[] out = read(v, lost);
        // Blocks 0-2 and k+1.. are intact; 3..k are lost.
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.write(data, 0, 3 * BLOCK);
        expected.write(data, (k + 1) * BLOCK, data.length - (k + 1) * BLOCK);
        assertThat(out).isEqualTo(expected.toByteArray());
        assertThat(lost).hasSize(1);
        LostBlock b = lost.get(0);
        assertThat(b.compressedStart()).isEqualTo(blocks.get(3)[0]);
        assertThat(b.compressedEnd()).isEqualTo(blocks.get(k)[1]);
        assertThat(b.decompressedAt()).isEqualTo(3L * BLOCK);
        assertThat(b.toEnd()).isFalse();
        assertThat(b.bytes()).isEqualTo(Arrays.copyOfRange(v, blocks.get(3)[0], blocks.get(k)[1]));
    }

    @Test
    void twoDamagedBlocksAreTwoCuts() throws Exception {
        byte[] data = plain(10 * BLOCK + 1234);
        byte[] v = vkcs(data);
        List<int[]> blocks = blocks(v);
        v[blocks.get(2)[0] + 50] ^= 1;
        v[blocks.get(6)[1] - 2] ^= 1; // the checksum itself
        List<LostBlock> lost = new ArrayList<>();
        byte[] out = read(v, lost);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.write(data, 0, 2 * BLOCK);
        expected.write(data, 3 * BLOCK, 3 * BLOCK);
        expected.write(data, 7 * BLOCK, data.length - 7 * BLOCK);
        assertThat(out).isEqualTo(expected.toByteArray());
        assertThat(lost).extracting(LostBlock::decompressedAt).containsExactly(2L * BLOCK, 5L * BLOCK);
        assertThat(lost).extracting(LostBlock::compressedStart).containsExactly((long) blocks.get(2)[0], (long) blocks.get(6)[0]);
        // Read without salvage, the first damaged block ends the read at its offset.
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> read(v, null)).hasMessageContaining("block at byte offset " + blocks.get(2)[0]);
    }

    @Test
    void anUndamagedFrameReadsAsItIs() throws Exception {
        byte[] data = plain(5 * BLOCK + 7);
        List<LostBlock> lost = new ArrayList<>();
        assertThat(read(vkcs(data), lost)).isEqualTo(data);
        assertThat(lost).isEmpty();
    }
}
