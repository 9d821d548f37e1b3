package dev.salvor.salvage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.salvor.fixtures.Fixtures;

import java.io.ByteArrayOutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The entry point the AOF repair uses for a damaged RDB preamble or base: a byte range of a file
 * salvaged as an RDB of its own, whatever surrounds it, with the same report as the RDB alone.
 */
class SalvageRangeTest {
    private static final byte[] COMMANDS = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n*1\r\n$5\r\nMULTI\r\n".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    /** A real 7.0 RDB with page 30 zeroed: damage in the middle, intact keys on both sides. */
    private byte[] damagedRdb() throws Exception {
        byte[] rdb = Files.readAllBytes(Fixtures.resolve("rdb/redis-7.0/dataset.rdb"));
        Arrays.fill(rdb, 30 * 4096, 31 * 4096, (byte) 0);
        return rdb;
    }

    private Path write(String name, byte[]... parts) throws Exception {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] p : parts) all.writeBytes(p);
        Path p = dir.resolve(name);
        Files.write(p, all.toByteArray());
        return p;
    }

    @Test
    void aPreambleIsSalvagedAsItsOwnRdbWithTheFilesOffsets() throws Exception {
        byte[] damaged = damagedRdb();
        Path aof = write("appendonly.aof", damaged, COMMANDS);
        Path alone = write("alone.rdb", damaged);

        ByteArrayOutputStream fromRange = new ByteArrayOutputStream();
        SalvageReport range;
        try (FileChannel in = FileChannel.open(aof)) {
            // The repair writer copies records from the AOF itself: the offsets must be the file's.
            range = RdbSalvager.salvage(aof, 0, damaged.length, dir, new RepairWriter(in, fromRange), null);
        }
        ByteArrayOutputStream fromFile = new ByteArrayOutputStream();
        SalvageReport whole;
        try (FileChannel in = FileChannel.open(alone)) {
            whole = RdbSalvager.salvage(alone, new RepairWriter(in, fromFile), null);
        }
        assertThat(range.source()).isEqualTo(aof.toString());
        assertSameReport(range, whole);
        // Nothing in the report names the temporary copy.
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        SalvageReportJson.write(range, List.of(), "q", "r", List.of(), json);
        assertThat(json.toString(StandardCharsets.UTF_8).replace(aof.toString(), "")).doesNotContain(dir.toString());
        assertThat(fromRange.toByteArray()).isEqualTo(fromFile.toByteArray());
        assertThat(fromRange.size()).isGreaterThan(damaged.length / 2);
        assertOnlyInputsLeft("appendonly.aof", "alone.rdb");
    }

    @Test
    void anRdbInsideALargerFileIsSalvagedWithOffsetsFromItsStart() throws Exception {
        byte[] damaged = damagedRdb();
        byte[] lead = "#TS:1700000000\r\n".getBytes(StandardCharsets.US_ASCII);
        Path holder = write("holder.bin", lead, damaged, COMMANDS);
        Path alone = write("alone.rdb", damaged);

        SalvageReport range = RdbSalvager.salvage(holder, lead.length, lead.length + damaged.length, dir, SalvageVisitor.NONE, null);
        SalvageReport whole = RdbSalvager.salvage(alone, SalvageVisitor.NONE, null);
        assertThat(range.source()).isEqualTo(holder.toString());
        assertSameReport(range, whole);
        assertOnlyInputsLeft("holder.bin", "alone.rdb");
    }

    @Test
    void aRangeTheFileDoesNotHoldIsAnError() throws Exception {
        Path aof = write("appendonly.aof", COMMANDS);
        assertThatThrownBy(() -> RdbSalvager.salvage(aof, 0, COMMANDS.length + 10, dir, SalvageVisitor.NONE, null))
                .isInstanceOf(java.io.IOException.class);
        assertThatThrownBy(() -> RdbSalvager.salvage(aof, 5, 5, dir, SalvageVisitor.NONE, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertOnlyInputsLeft("appendonly.aof");
    }

    private static void assertSameReport(SalvageReport range, SalvageReport whole) {
        List<Tuple> regions = whole.regions().stream().map(r -> Tuple.tuple(r.start(), r.end(), r.reason())).toList();
        assertThat(whole.regions()).isNotEmpty();
        assertThat(range.regions()).extracting(CorruptRegion::start, CorruptRegion::end, CorruptRegion::reason).isEqualTo(regions);
        assertThat(range.keysRecovered()).isEqualTo(whole.keysRecovered()).isPositive();
        assertThat(range.keysPartial()).isEqualTo(whole.keysPartial());
        assertThat(range.losses().atLeast()).isEqualTo(whole.losses().atLeast()).isPositive();
        assertThat(range.sizeBytes()).isEqualTo(whole.sizeBytes());
    }

    private void assertOnlyInputsLeft(String... names) throws Exception {
        try (var left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(names);
        }
    }
}
