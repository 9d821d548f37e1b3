package dev.salvor.cli;

import static dev.salvor.fixtures.Bytes.indexOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.salvor.fixtures.RedisServer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;

/**
 * Salvage reads past a damaged block of Valkey 9.2's compressed RDB ({@code rdbcompression lz4}:
 * the VKCS envelope, then one LZ4 frame of 64 KiB independent blocks with block checksums;
 * valkey src/compression_stream.c, compression_lz4.c). A real server writes the RDB; it is
 * compressed as Valkey's writer does, by Commons Compress's LZ4 (each block holds the next 64 KiB
 * of the RDB), and one block is damaged. The oracle for which keys survive does not use Salvor:
 * each key's bytes are found in the server's own RDB by its DUMP payload (type byte, the key as an
 * RDB string, the value: the payload without its 10-byte footer), and a key survives when all of
 * them lie in blocks other than the damaged one.
 */
class VkcsSalvageTest {
    @TempDir
    Path tmp;

    private static final int BLOCK = 64 * 1024;

    private static byte[] vkcs(byte[] rdb) throws Exception {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        bos.write(new byte[] {'V', 'K', 'C', 'S', 1, 1, 1, 0});
        try (FramedLZ4CompressorOutputStream lz4 = new FramedLZ4CompressorOutputStream(bos,
                new FramedLZ4CompressorOutputStream.Parameters(FramedLZ4CompressorOutputStream.BlockSize.K64, false, true, false))) {
            lz4.write(rdb);
        }
        return bos.toByteArray();
    }

    /** Where each block starts in the compressed file: after the envelope (8) and the frame header (magic, FLG, BD, HC: 7). */
    private static List<long[]> blocks(byte[] v) {
        List<long[]> out = new ArrayList<>();
        int at = 8 + 7;
        while (true) {
            long word = (v[at] & 0xffL) | (v[at + 1] & 0xffL) << 8 | (v[at + 2] & 0xffL) << 16 | (v[at + 3] & 0xffL) << 24;
            if (word == 0) return out;
            int n = (int) (word & 0x7fffffffL);
            out.add(new long[] {at, at + 4 + n + 4});
            at += 4 + n + 4;
        }
    }


    /** The server's RDB, each key's value, and each key's byte range in the RDB (found by its DUMP payload). */
    private record Dataset(byte[] rdb, Map<String, String> values, Map<String, int[]> where) {
        /** Keys whose bytes all lie outside {@code [from, to)} of the RDB. */
        TreeSet<String> outside(long from, long to) {
            TreeSet<String> keys = new TreeSet<>();
            for (Map.Entry<String, int[]> e : where.entrySet()) {
                int[] r = e.getValue();
                if (r[1] <= from || r[0] >= to) keys.add(e.getKey());
            }
            return keys;
        }
    }

    private Dataset dataset() throws Exception {
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, int[]> where = new LinkedHashMap<>();
        byte[] rdb;
        try (RedisServer redis = RedisServer.start(tmp.resolve("server"))) {
            Random rnd = new Random(42);
            for (int i = 0; i < 5000; i++) {
                StringBuilder sb = new StringBuilder();
                for (int j = 0; j < 60 + rnd.nextInt(120); j++) sb.append((char) ('a' + rnd.nextInt(26)));
                String k = "key:" + i;
                values.put(k, sb.toString());
                redis.call("SET", k, sb.toString());
            }
            rdb = Files.readAllBytes(redis.save());
            // Each key's bytes in the server's RDB, found by its own DUMP payload.
            for (String k : values.keySet()) {
                byte[] dump = (byte[]) redis.call("DUMP", k);
                byte[] name = k.getBytes(StandardCharsets.UTF_8);
                ByteArrayOutputStream pattern = new ByteArrayOutputStream();
                pattern.write(dump[0]);
                pattern.write(name.length); // names here are shorter than 64 bytes: a one-byte length
                pattern.write(name);
                pattern.write(dump, 1, dump.length - 11);
                byte[] p = pattern.toByteArray();
                int at = indexOf(rdb, p);
                assertThat(at).as(k).isGreaterThan(0);
                where.put(k, new int[] {at, at + p.length});
            }
        }
        assertThat(rdb.length).isGreaterThan(4 * BLOCK);
        return new Dataset(rdb, values, where);
    }

    /** Salvages {@code file}; the keys the repaired file holds, each checked against the server's value. */
    private TreeSet<String> salvaged(Path file, Dataset d, CliRunner.Result[] result) throws Exception {
        Path out = tmp.resolve(file.getFileName() + ".repaired.rdb");
        result[0] = CliRunner.run("salvage", file.toString(), "-o", out.toString());
        CliRunner.Result export = CliRunner.run("export", out.toString());
        assertThat(export.exitCode()).isEqualTo(0);
        TreeSet<String> got = new TreeSet<>();
        for (String line : export.out().split("\n")) {
            if (line.isBlank()) continue;
            JsonNode n = JSON.readTree(line);
            if (!n.has("key")) continue;
            String k = n.get("key").asText();
            got.add(k);
            assertThat(n.get("value").asText()).as(k).isEqualTo(d.values().get(k));
        }
        return got;
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void keysInIntactBlocksAreSalvagedPastADamagedOne() throws Exception {
        Dataset d = dataset();
        byte[] v = vkcs(d.rdb());
        List<long[]> blocks = blocks(v);
        int damaged = 2;
        long[] hit = blocks.get(damaged);
        v[(int) (hit[0] + 4 + 100)] ^= 0x5a;
        Path file = tmp.resolve("damaged.rdb");
        Files.write(file, v);

        // The oracle: keys whose bytes all lie outside the damaged block's 64 KiB of the RDB.
        long lostFrom = (long) damaged * BLOCK, lostTo = lostFrom + BLOCK;
        TreeSet<String> expected = d.outside(lostFrom, lostTo);
        assertThat(expected.size()).isLessThan(d.values().size()).isGreaterThan(d.values().size() / 2);

        CliRunner.Result[] salvage = new CliRunner.Result[1];
        // Exactly the keys of intact blocks come back, each with the value the server held.
        assertThat(salvaged(file, d, salvage)).isEqualTo(expected);
        assertThat(salvage[0].exitCode()).as(salvage[0].out() + salvage[0].err()).isEqualTo(1);
        assertThat(salvage[0].out()).contains("damaged compressed block [" + hit[0] + ", " + hit[1] + ") ")
                .contains("its checksum does not match; skipped, reading went on at the next intact block, the RDB lacks its bytes at offset " + lostFrom);

        // The damaged compressed bytes are kept in the quarantine, where the report says.
        Path out = tmp.resolve("damaged.rdb.repaired.rdb");
        JsonNode report = JSON.readTree(Files.readString(Path.of(out + ".report.json")));
        JsonNode lost = report.get("compressed_blocks_lost").get(0);
        assertThat(lost.get("compressed_start").asLong()).isEqualTo(hit[0]);
        assertThat(lost.get("compressed_end").asLong()).isEqualTo(hit[1]);
        assertThat(lost.get("decompressed_at").asLong()).isEqualTo(lostFrom);
        byte[] q = Files.readAllBytes(Path.of(out + ".quarantine"));
        int qat = lost.get("quarantine_offset").asInt();
        assertThat(Arrays.copyOfRange(q, qat, qat + (int) (hit[1] - hit[0]))).isEqualTo(Arrays.copyOfRange(v, (int) hit[0], (int) hit[1]));
        // The records cut by the missing bytes are a damaged region of the decompressed RDB, starting before the cut.
        JsonNode region = report.get("regions").get(0);
        assertThat(region.get("reason").asText()).isEqualTo("missing bytes");
        assertThat(region.get("start").asLong()).isLessThanOrEqualTo(lostFrom);

        // A check names the damaged block by its compressed offsets, and where the RDB stops for it.
        CliRunner.Result check = CliRunner.run("check", file.toString());
        assertThat(check.exitCode()).isEqualTo(1);
        assertThat(check.out()).contains("[offset " + hit[0] + "] damaged compressed block: the VKCS LZ4 block at byte offsets [" + hit[0] + ", " + hit[1] + ")")
                .contains("the RDB was checked up to offset " + lostFrom);
    }

    @Test
    void aDamagedBlockSizeIsSearchedPast() throws Exception {
        Dataset d = dataset();
        byte[] v = vkcs(d.rdb());
        List<long[]> blocks = blocks(v);
        long[] hit = blocks.get(1);
        v[(int) hit[0] + 1] ^= 0x01; // the size word: the block seems 256 bytes longer or shorter
        Path file = tmp.resolve("size.rdb");
        Files.write(file, v);
        CliRunner.Result[] salvage = new CliRunner.Result[1];
        assertThat(salvaged(file, d, salvage)).isEqualTo(d.outside(BLOCK, 2L * BLOCK));
        assertThat(salvage[0].out()).contains("damaged compressed block [" + hit[0] + ", " + hit[1] + ") ");
    }

    @Test
    void aFileCutInsideABlockKeepsTheBlocksBefore() throws Exception {
        Dataset d = dataset();
        byte[] v = vkcs(d.rdb());
        long[] cut = blocks(v).get(3);
        Path file = tmp.resolve("cut.rdb");
        Files.write(file, Arrays.copyOf(v, (int) cut[0] + 1000));
        CliRunner.Result[] salvage = new CliRunner.Result[1];
        assertThat(salvaged(file, d, salvage)).isEqualTo(d.outside(3L * BLOCK, Long.MAX_VALUE));
        assertThat(salvage[0].exitCode()).isEqualTo(1);
        assertThat(salvage[0].out()).contains("damaged compressed block [" + cut[0] + ", " + (cut[0] + 1000) + ") ")
                .contains("with the rest of the stream (no intact block follows)");
    }
}
