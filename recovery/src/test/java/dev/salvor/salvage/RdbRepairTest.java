package dev.salvor.salvage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.salvor.fixtures.Fixtures;
import dev.salvor.format.InputFile;
import dev.salvor.rdb.ChecksumStatus;
import dev.salvor.rdb.RdbReader;
import dev.salvor.rdb.RdbToken;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** A salvage run into a repaired file and a quarantine: the repaired file reads clean, the quarantine holds the damaged bytes as they are. */
class RdbRepairTest {
    private static final Path DAMAGED = Fixtures.resolve("damaged/redis-7.0-first-page-zeroed.rdb");

    @TempDir
    Path tmp;

    @Test
    void theRepairedFileReadsCleanAndTheQuarantineHoldsTheDamagedBytes() throws Exception {
        Path repaired = tmp.resolve("repaired.rdb");
        ByteArrayOutputStream quarantine = new ByteArrayOutputStream();
        RdbRepair run;
        try (InputFile in = InputFile.open(DAMAGED); var out = Files.newOutputStream(repaired)) {
            run = RdbRepair.run(in, out, quarantine, p -> { });
        }
        SalvageReport r = run.report();
        assertThat(r.regions()).isNotEmpty();
        assertThat(r.keysRecovered()).isPositive();

        long keys = 0;
        try (RdbReader reader = RdbReader.open(repaired)) {
            RdbToken t;
            while ((t = reader.next()) != RdbToken.END) {
                if (t == RdbToken.KEY) keys++;
                if (reader.inValue()) reader.skipValue();
            }
            assertThat(reader.checksumStatus()).isEqualTo(ChecksumStatus.OK);
        }
        assertThat(keys).isEqualTo(r.keysRecovered() + r.keysPartial());

        byte[] file = Files.readAllBytes(DAMAGED);
        byte[] q = quarantine.toByteArray();
        assertThat(run.quarantined()).hasSize(r.regions().size());
        for (QuarantineWriter.Entry e : run.quarantined()) {
            int len = (int) (e.sourceEnd() - e.sourceStart());
            assertThat(Arrays.copyOfRange(q, (int) e.quarantineOffset(), (int) e.quarantineOffset() + len))
                    .isEqualTo(Arrays.copyOfRange(file, (int) e.sourceStart(), (int) e.sourceEnd()));
        }

        ByteArrayOutputStream report = new ByteArrayOutputStream();
        run.writeReport(report, "q.bin", "repaired.rdb");
        JsonNode j = new ObjectMapper().readTree(report.toByteArray());
        assertThat(j.toString()).contains("q.bin").contains("repaired.rdb");
    }
}
