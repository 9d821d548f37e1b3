package dev.salvor.input.compress;

import static dev.salvor.fixtures.Bytes.indexOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.salvor.check.CheckReport;
import dev.salvor.check.Problem;
import dev.salvor.check.RdbChecker;
import dev.salvor.export.NdjsonExporter;
import dev.salvor.fixtures.RdbBuilder;
import dev.salvor.rdb.CompressedBlob;
import dev.salvor.rdb.FrameDecompressor;
import dev.salvor.rdb.RdbFormatException;
import dev.salvor.rdb.RdbReader;
import dev.salvor.rdb.RdbToken;
import dev.salvor.salvage.RdbSalvager;
import dev.salvor.salvage.RepairWriter;
import dev.salvor.salvage.SalvageReport;
import dev.salvor.salvage.SalvageVisitor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dragonfly's compressed blobs (opcodes 201 ZSTD, 202 LZ4: its default --compression_mode writes
 * its snapshots' records in them) read as a source nested in the file, by check, export, salvage
 * and repair alike. No Dragonfly server runs here and its repository ships no file it saved, so the
 * files are built in its layout (rdb_save.cc CompressBlob, SelectDb; rdb_load.cc
 * HandleCompressedBlob) with frames made by the real libraries ({@link DragonflyFrames}). The
 * oracle is the same records written uncompressed (what --compression_mode=0 saves): every key
 * reads the same either way.
 */
class DragonflyBlobTest {
    @TempDir
    Path tmp;

    private static RdbBuilder header() {
        return new RdbBuilder("REDIS0009").aux("redis-ver", "6.2.11").aux("df-ver", "v1.34.2").aux("redis-bits", "64");
    }

    /** The records of one flush of Dragonfly's serializer: SELECTDB (no RESIZEDB), then its entries. */
    private static byte[] records(int db, int from, int to) {
        RdbBuilder b = new RdbBuilder("").u8(254).len(db);
        for (int i = from; i < to; i++) {
            switch (i % 3) {
                case 0 -> b.stringKey("str:" + i, "value " + i + " " + "v".repeat(40));
                case 1 -> {
                    b.key(31, "hash:" + i).len(3);
                    for (int j = 0; j < 3; j++) b.str("field-" + j).str("value-" + i + "-" + j).str(j == 1 ? "3600" : "-1");
                }
                default -> b.expireMs(1893456000000L + i).key(2, "set:" + i).len(2).str("a" + i).str("b" + i);
            }
        }
        return b.bytes();
    }

    private record Built(byte[] compressed, byte[] plain, long lz4Start, long lz4End, long zstdStart, long zstdEnd) {
    }

    /** A plain key, an LZ4 blob of 30 keys, a ZSTD blob of 30 keys, 10 plain keys; and the same uncompressed. */
    private static Built build(byte[] lz4Content, byte[] zstdContent) {
        RdbBuilder c = header().u8(254).len(0).stringKey("first", "plain");
        RdbBuilder p = header().u8(254).len(0).stringKey("first", "plain");
        long lz4Start = c.offset();
        c.compressedBlob(202, DragonflyFrames.lz4(lz4Content));
        long lz4End = c.offset();
        p.raw(lz4Content);
        long zstdStart = c.offset();
        c.compressedBlob(201, DragonflyFrames.zstd(zstdContent));
        long zstdEnd = c.offset();
        p.raw(zstdContent);
        byte[] tail = records(0, 60, 70);
        c.raw(tail);
        p.raw(tail);
        return new Built(c.finish(), p.finish(), lz4Start, lz4End, zstdStart, zstdEnd);
    }

    private static Built build() {
        return build(records(0, 0, 30), records(0, 30, 60));
    }

    private Path write(String name, byte[] bytes) throws IOException {
        Path f = tmp.resolve(name);
        Files.write(f, bytes);
        return f;
    }

    private static String export(Path file) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (RdbReader r = RdbReader.open(file); NdjsonExporter e = new NdjsonExporter(out)) {
            e.export(r);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void recordsInsideBlobsAreTheFilesRecordsAtTheBlobsOffsets() throws IOException {
        Built b = build();
        Path file = write("df.rdb", b.compressed());
        assertThat(export(file)).isEqualTo(export(write("plain.rdb", b.plain())));
        List<String> seen = new ArrayList<>();
        try (RdbReader r = RdbReader.open(file)) {
            RdbToken t;
            while ((t = r.next()) != RdbToken.END) {
                CompressedBlob blob = r.compressedBlob();
                if (t == RdbToken.COMPRESSED_BLOB) seen.add(blob.codec() + " " + blob.start() + "-" + blob.end() + " @" + r.tokenOffset());
                if (t == RdbToken.KEY) {
                    String k = new String(r.key(), StandardCharsets.UTF_8);
                    r.skipValue();
                    if (k.equals("str:0") || k.equals("set:59") || k.equals("str:60")) {
                        seen.add(k + " " + r.recordOffset() + "-" + r.keyRecordEndOffset() + (blob == null ? "" : " in " + blob.codec()));
                    }
                }
                if (t == RdbToken.EOF) seen.add("eof " + r.checksumStatus());
            }
        }
        long tailStart = b.zstdEnd();
        assertThat(seen).containsExactly("LZ4 " + b.lz4Start() + "-" + b.lz4End() + " @" + b.lz4Start(),
                "str:0 " + b.lz4Start() + "-" + b.lz4End() + " in LZ4",
                "ZSTD " + b.zstdStart() + "-" + b.zstdEnd() + " @" + b.zstdStart(),
                "set:59 " + b.zstdStart() + "-" + b.zstdEnd() + " in ZSTD",
                // SELECTDB 0 (2 bytes) opens the plain tail
                "str:60 " + (tailStart + 2) + "-" + (tailStart + 2 + 1 + 7 + 1 + 49) + "",
                "eof OK");
        CheckReport check = RdbChecker.checkFile(file, null);
        assertThat(check.problems()).isEmpty();
        assertThat(check.keys()).isEqualTo(71);
    }

    @Test
    void aFrameThatDoesNotDecompressIsOneRegionAndSalvageReadsOnAfterIt() throws IOException {
        Built b = build();
        byte[] d = b.compressed().clone();
        int hit = (int) (b.zstdStart() + (b.zstdEnd() - b.zstdStart()) / 2);
        d[hit] ^= 0x5a;
        Path damaged = write("damaged.rdb", d);

        CheckReport check = RdbChecker.checkFile(damaged, null);
        assertThat(check.problems()).hasSize(1);
        Problem p = check.problems().get(0);
        assertThat(p.region().start()).isEqualTo(b.zstdStart());
        assertThat(p.region().end()).isEqualTo(b.zstdEnd());
        assertThat(p.detail()).contains("Dragonfly ZSTD compressed blob at offset " + b.zstdStart());

        Path repaired = tmp.resolve("repaired.rdb");
        SalvageReport report;
        try (FileChannel in = FileChannel.open(damaged); OutputStream out = Files.newOutputStream(repaired)) {
            report = RdbSalvager.salvage(damaged, new RepairWriter(in, out), null);
        }
        assertThat(report.regions()).hasSize(1);
        assertThat(report.regions().get(0).start()).isEqualTo(b.zstdStart());
        assertThat(report.regions().get(0).end()).isEqualTo(b.zstdEnd());
        assertThat(report.keysRecovered()).isEqualTo(41);
        // The repaired file: the LZ4 blob copied as it was, the plain keys, and nothing of the ZSTD blob.
        byte[] fixed = Files.readAllBytes(repaired);
        byte[] lz4Blob = Arrays.copyOfRange(b.compressed(), (int) b.lz4Start(), (int) b.lz4End());
        assertThat(indexOf(fixed, lz4Blob)).isPositive();
        String kept = export(repaired);
        String all = export(write("plain.rdb", b.plain()));
        for (String line : kept.split("\n")) assertThat(all).contains(line);
        assertThat(kept.split("\n")).hasSize(41);
        assertThat(kept).contains("\"key\":\"str:0\"").contains("\"key\":\"hash:28\"").contains("\"key\":\"str:69\"").doesNotContain("\"key\":\"str:30\"");
        assertThat(RdbChecker.checkFile(repaired, null).problems()).isEmpty();
    }

    @Test
    void damageInsideTheContentNamesBothOffsetsAndTakesTheBlobsKeys() throws IOException {
        // The LZ4 blob's content holds 12 keys, then a record of an unknown type.
        byte[] good = records(0, 0, 12);
        byte[] content = new RdbBuilder("").raw(good).key(99, "bad").str("x").raw(records(0, 12, 30)).bytes();
        content = Arrays.copyOfRange(content, 0, content.length);
        Built b = build(Arrays.copyOfRange(content, 0, content.length), records(0, 30, 60));
        Path file = write("inner.rdb", b.compressed());

        RdbFormatException e = catchThrowableOfType(() -> {
            try (RdbReader r = RdbReader.open(file)) {
                while (r.next() != RdbToken.END) {
                }
            }
        }, RdbFormatException.class);
        assertThat(e.offset()).isEqualTo(b.lz4Start());
        assertThat(e.compressedBlobOffset()).isEqualTo(b.lz4Start());
        assertThat(e.decompressedOffset()).isEqualTo(good.length);
        assertThat(e.getMessage()).contains("in the Dragonfly LZ4 blob at offset " + b.lz4Start() + ", at offset " + good.length + " of its "
                + content.length + " decompressed bytes: unknown value type 99");

        SalvageReport report = RdbSalvager.salvage(file, SalvageVisitor.NONE, null);
        assertThat(report.regions()).hasSize(1);
        assertThat(report.regions().get(0).start()).isEqualTo(b.lz4Start());
        assertThat(report.regions().get(0).end()).isEqualTo(b.lz4End());
        // first + the ZSTD blob's 30 + the 10 plain keys; the 12 keys read from the damaged blob are named lost.
        assertThat(report.keysRecovered()).isEqualTo(41);
        assertThat(report.lostKeys()).hasSize(12);
        assertThat(new String(report.lostKeys().get(0), StandardCharsets.UTF_8)).isEqualTo("str:0");
    }

    @Test
    void aLocatedFrameErrorPointsIntoTheFrame() throws IOException {
        byte[] content = records(0, 0, 30);
        byte[] frame = DragonflyFrames.lz4(content, true);
        RdbBuilder c = header().u8(254).len(0);
        long start = c.offset();
        c.compressedBlob(202, frame);
        long end = c.offset();
        byte[] bytes = c.stringKey("after", "x").finish();
        int hit = (int) (end - frame.length / 2);
        bytes[hit] ^= 0x01;
        Path file = write("block.rdb", bytes);
        RdbFormatException e = catchThrowableOfType(() -> {
            try (RdbReader r = RdbReader.open(file)) {
                while (r.next() != RdbToken.END) {
                }
            }
        }, RdbFormatException.class);
        assertThat(e.offset()).isBetween(end - frame.length, end);
        assertThat(e.getMessage()).contains("Dragonfly LZ4 compressed blob at offset " + start).contains("does not decompress");
        SalvageReport report = RdbSalvager.salvage(file, SalvageVisitor.NONE, null);
        assertThat(report.regions()).hasSize(1);
        assertThat(report.regions().get(0).start()).isEqualTo(start);
        assertThat(report.keysRecovered()).isEqualTo(1);
    }


    static {
        // The parser finds the decompressor on the class path.
        assert FrameDecompressor.Codec.values().length == 2;
    }
}
