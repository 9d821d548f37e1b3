package dev.salvor.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.salvor.fixtures.Fixtures;
import dev.salvor.io.KeyFilter;
import dev.salvor.rdb.ChecksumStatus;
import dev.salvor.rdb.RdbReader;
import dev.salvor.rdb.RedisType;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The multi-thread export writes byte for byte what the one-thread export writes, errors included. */
class ParallelExportTest {
    static Stream<Arguments> fixtures() {
        return Fixtures.rdbsWithTruth().stream().map(p -> Arguments.of(Fixtures.root().relativize(p[0]).toString(), p[0]));
    }

    private static byte[] sequential(Path rdb, KeySelector selector) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (RdbReader r = RdbReader.open(rdb);
             NdjsonExporter e = new NdjsonExporter(out, ExportFormat.NDJSON, selector, NdjsonExporter.NO_SORT)) {
            e.export(r);
        }
        return out.toByteArray();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void sameBytesAsOneThreadWhateverTheRangeSize(String name, Path rdb) throws IOException {
        byte[] expected = sequential(rdb, KeySelector.ALL);
        // One-byte ranges put every key in a range of its own; 4 KiB ranges mix keys and databases.
        for (long rangeBytes : new long[] {1, 4096, ParallelExport.RANGE_BYTES}) {
            for (int workers : new int[] {1, 3}) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                List<Long> progress = new ArrayList<>();
                ParallelExport.Result r = new ParallelExport(rdb, KeySelector.ALL, workers, rangeBytes).run(out, progress::add);
                assertThat(out.toByteArray()).as("%s, ranges of %d bytes, %d workers", name, rangeBytes, workers).isEqualTo(expected);
                assertThat(r.checksum()).isIn(ChecksumStatus.OK, ChecksumStatus.ABSENT, ChecksumStatus.DISABLED);
                // The CRC64 joined from the workers' ranges is the one the writing server stored.
                if (r.checksum() == ChecksumStatus.OK) assertThat(r.computedChecksum()).isEqualTo(storedByServer(rdb));
                assertThat(r.summary().keysWritten()).isEqualTo(new String(expected).lines().filter(l -> l.startsWith("{\"db\"")).count());
                assertThat(progress).isSorted().last().isEqualTo(Files.size(rdb) - (r.checksum() == ChecksumStatus.ABSENT ? 1 : 9));
            }
        }
    }

    /** The CRC64 the server wrote after the EOF opcode (little-endian, the file's last 8 bytes). */
    private static long storedByServer(Path rdb) throws IOException {
        byte[] b = Files.readAllBytes(rdb);
        long v = 0;
        for (int i = 1; i <= 8; i++) v = v << 8 | (b[b.length - i] & 0xffL);
        return v;
    }

    @Test
    void aChecksumThatDisagreesIsAMismatchWithTheFilesTrueCrc(@TempDir Path dir) throws IOException {
        int changedFiles = 0;
        for (Object[] f : Fixtures.rdbsWithTruth()) {
            Path rdb = (Path) f[0];
            long stored = storedByServer(rdb);
            String magic = new String(Files.readAllBytes(rdb), 0, 9, java.nio.charset.StandardCharsets.US_ASCII);
            if (stored == 0 || Integer.parseInt(magic.replaceAll("^[A-Z]+", "")) < 5) continue; // no checksum to change
            changedFiles++;
            byte[] copy = Files.readAllBytes(rdb);
            copy[copy.length - 1] ^= 0x5a;
            Path changed = dir.resolve(rdb.getParent().getFileName() + "-" + rdb.getFileName());
            Files.write(changed, copy);
            for (long rangeBytes : new long[] {1, 4096}) {
                ParallelExport.Result r = new ParallelExport(changed, KeySelector.ALL, 2, rangeBytes).run(OutputStream.nullOutputStream(), done -> { });
                assertThat(r.checksum()).as("%s", rdb).isEqualTo(ChecksumStatus.MISMATCH);
                // What the server stored before the change is the CRC64 of every byte before it.
                assertThat(r.computedChecksum()).as("%s", rdb).isEqualTo(stored);
                assertThat(r.storedChecksum()).isEqualTo(stored ^ (0x5aL << 56));
            }
        }
        assertThat(changedFiles).isGreaterThan(3);
    }

    @Test
    void anErrorInAWorkerEndsTheRunWithThatError() {
        Path rdb = Fixtures.rdbsWithTruth().get(0)[0];
        // A worker that runs out of memory (or fails in any other way) must end the run, not leave
        // the writer waiting for its range forever.
        for (Error error : new Error[] {new OutOfMemoryError("Java heap space"), new StackOverflowError()}) {
            int[] seen = new int[1];
            KeySelector failing = (db, key, type) -> {
                synchronized (seen) {
                    if (++seen[0] == 40) throw error;
                }
                return true;
            };
            assertTimeoutPreemptively(java.time.Duration.ofSeconds(60), () ->
                    assertThatThrownBy(() -> new ParallelExport(rdb, failing, 3, 256).run(OutputStream.nullOutputStream(), done -> { }))
                            .isSameAs(error));
        }
    }

    @Test
    void filtersAndCountsLikeOneThread() throws IOException {
        Path rdb = Fixtures.rdbsWithTruth().get(0)[0];
        KeySelector hashes = new KeyFilter(List.of(), List.of(), List.of(RedisType.HASH));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ParallelExport.Result r = new ParallelExport(rdb, hashes, 2, 64).run(out, done -> { });
        assertThat(out.toByteArray()).isEqualTo(sequential(rdb, hashes));
        assertThat(r.summary().keysSkipped()).isPositive();
        assertThat(new String(out.toByteArray())).contains("\"type\":\"hash\"").doesNotContain("\"type\":\"string\"");
    }

    @Test
    void damagedFileWritesTheSameRecordsAndThrowsTheSameError(@TempDir Path dir) throws IOException {
        Path source = Fixtures.rdbsWithTruth().get(0)[0];
        byte[] bytes = Files.readAllBytes(source);
        for (int cut : new int[] {bytes.length / 3, bytes.length / 2, bytes.length - 20}) {
            Path damaged = dir.resolve("cut-" + cut + ".rdb");
            byte[] copy = bytes.clone();
            // An invalid type byte in the middle of the file, then the file cut short.
            java.util.Arrays.fill(copy, cut, Math.min(copy.length, cut + 16), (byte) 0xee);
            Files.write(damaged, java.util.Arrays.copyOf(copy, copy.length - 5));
            ByteArrayOutputStream one = new ByteArrayOutputStream();
            String oneError;
            try (RdbReader r = RdbReader.open(damaged);
                 NdjsonExporter e = new NdjsonExporter(one, ExportFormat.NDJSON, KeySelector.ALL, NdjsonExporter.NO_SORT)) {
                e.export(r);
                oneError = null;
            } catch (IOException e) {
                oneError = e.getMessage();
            }
            assertThat(oneError).as("damage at %d is detected", cut).isNotNull();
            for (long rangeBytes : new long[] {1, 512}) {
                ByteArrayOutputStream many = new ByteArrayOutputStream();
                assertThatThrownBy(() -> new ParallelExport(damaged, KeySelector.ALL, 2, rangeBytes).run(many, done -> { }))
                        .hasMessage(oneError);
                assertThat(many.toByteArray()).as("records before the damage at %d", cut).isEqualTo(one.toByteArray());
            }
        }
    }

    @Test
    void aFailingOutputStopsEveryThread() throws IOException {
        Path rdb = Fixtures.rdbsWithTruth().get(0)[0];
        OutputStream broken = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("broken pipe");
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                throw new IOException("broken pipe");
            }
        };
        int before = Thread.activeCount();
        assertThatThrownBy(() -> new ParallelExport(rdb, KeySelector.ALL, 3, 1).run(broken, done -> { })).hasMessage("broken pipe");
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().startsWith("salvor-export")) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("salvor-export"));
        assertThat(Thread.activeCount()).isLessThanOrEqualTo(before);
    }
}
