package dev.salvor.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvor.fixtures.RdbBuilder;
import dev.salvor.input.compress.DragonflyFrames;
import dev.salvor.rdb.RdbReader;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Export of Dragonfly files with compressed blobs, with the decompressor this module provides on the class path. */
class DragonflyBlobExportTest {
    /**
     * Ranges read on several threads split a Dragonfly file only between records of the file
     * itself: a compressed blob is one record in the file, so its keys come out once, in order,
     * whatever the range size (dragonfly rdb_save.cc CompressBlob; frames by the real libraries).
     */
    @Test
    void compressedBlobsReadOnSeveralThreads(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws IOException {
        RdbBuilder b = new RdbBuilder("REDIS0009").aux("redis-ver", "6.2.11").aux("df-ver", "v1.34.2").selectDb(0, 60, 0);
        for (int blob = 0; blob < 4; blob++) {
            RdbBuilder inner = new RdbBuilder("").u8(254).len(blob % 2);
            for (int i = 0; i < 10; i++) inner.stringKey("k" + blob + ":" + i, "value " + i + " " + "x".repeat(30));
            b.compressedBlob(blob % 2 == 0 ? 202 : 201, blob % 2 == 0 ? DragonflyFrames.lz4(inner.bytes()) : DragonflyFrames.zstd(inner.bytes()));
            for (int i = 0; i < 5; i++) b.stringKey("plain" + blob + ":" + i, "v" + i);
        }
        java.nio.file.Path file = tmp.resolve("df.rdb");
        java.nio.file.Files.write(file, b.finish());
        ByteArrayOutputStream one = new ByteArrayOutputStream();
        try (RdbReader r = RdbReader.open(file); NdjsonExporter e = new NdjsonExporter(one, ExportFormat.NDJSON, KeySelector.ALL, NdjsonExporter.NO_SORT)) {
            e.export(r);
        }
        assertThat(one.toString(StandardCharsets.UTF_8).lines().count()).isEqualTo(60);
        for (long rangeBytes : new long[] {1, 64, 4096}) {
            ByteArrayOutputStream many = new ByteArrayOutputStream();
            new ParallelExport(file, KeySelector.ALL, 3, rangeBytes).run(many, p -> { });
            assertThat(many.toString(StandardCharsets.UTF_8)).as("ranges of %d bytes", rangeBytes).isEqualTo(one.toString(StandardCharsets.UTF_8));
        }
        assertThat(dev.salvor.check.RdbChecker.checkFile(file, null).problems()).isEmpty();
    }
}
