package dev.salvor.salvage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvor.export.NdjsonExporter;
import dev.salvor.fixtures.Fixtures;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Salvage sinks are visitors fed by the salvager: each gets what it asked for whatever its place in
 * a chain (a sink that needs only a key's bytes no longer consumes the value before an exporter
 * behind it can read it), and the intact part of a cut key reaches every sink that keeps one.
 */
class VisitorChainTest {
    /** What one salvage run wrote: the export, the repaired RDB and the report. */
    record Outputs(String export, byte[] repaired, SalvageReport report) {
    }

    enum Order { EXPORT_ONLY, REPAIR_FIRST, EXPORT_FIRST }

    static Outputs salvage(Path file, Order order) throws IOException {
        ByteArrayOutputStream export = new ByteArrayOutputStream();
        ByteArrayOutputStream repaired = new ByteArrayOutputStream();
        SalvageReport report;
        try (FileChannel in = FileChannel.open(file); NdjsonExporter e = new NdjsonExporter(export)) {
            SalvageVisitor exporting = new ExportingVisitor(e);
            RepairWriter repair = new RepairWriter(in, repaired);
            SalvageVisitor visitor = switch (order) {
                case EXPORT_ONLY -> exporting;
                case REPAIR_FIRST -> new VisitorChain(repair, exporting);
                case EXPORT_FIRST -> new VisitorChain(exporting, repair);
            };
            report = RdbSalvager.salvage(file, visitor, null);
        }
        return new Outputs(export.toString(StandardCharsets.UTF_8), repaired.toByteArray(), report);
    }

    @ParameterizedTest
    @ValueSource(strings = {"redis-2.8-page-20-zeroed-cut-180000.rdb", "redis-7.0-page-30-zeroed.rdb", "valkey-8.0-page-40-zeroed.rdb"})
    void everySinkGetsTheSameWhateverItsPlaceInTheChain(String sample) throws IOException {
        Path file = Fixtures.resolve("damaged/" + sample);
        Outputs alone = salvage(file, Order.EXPORT_ONLY);
        Outputs repairFirst = salvage(file, Order.REPAIR_FIRST);
        Outputs exportFirst = salvage(file, Order.EXPORT_FIRST);

        assertThat(alone.report().keysRecovered()).isPositive();
        assertThat(repairFirst.export()).isEqualTo(alone.export());
        assertThat(exportFirst.export()).isEqualTo(alone.export());
        assertThat(repairFirst.repaired()).isEqualTo(exportFirst.repaired());
        assertThat(alone.export().lines().filter(l -> l.contains("\"key\"")).count())
                .isEqualTo(alone.report().keysRecovered() + alone.report().keysPartial());
        assertThat(repairFirst.report().keysPartial()).isEqualTo(alone.report().keysPartial());
    }

    @ParameterizedTest
    @ValueSource(strings = {"redis-2.8-page-20-zeroed-cut-180000.rdb"})
    void aCutKeyIsKeptInPartOnlyWhenASinkKeepsIt(String sample) throws IOException {
        Path file = Fixtures.resolve("damaged/" + sample);
        SalvageReport kept = salvage(file, Order.EXPORT_ONLY).report();
        SalvageReport counted = RdbSalvager.salvage(file, SalvageVisitor.NONE, null);
        assertThat(kept.keysPartial()).isEqualTo(1);
        assertThat(counted.keysPartial()).isZero();
        assertThat(counted.losses().atLeast()).isEqualTo(kept.losses().atLeast() + 1);
    }
}
