package dev.salvor.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.salvor.diff.RdbFileSource;
import dev.salvor.export.KeySelector;
import dev.salvor.fixtures.Fixtures;
import dev.salvor.io.Deadline;
import dev.salvor.io.Spool;
import dev.salvor.report.AuditHtml;
import dev.salvor.report.AuditJson;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The audit as a library runs it, with a file standing in for the restored server (the CLI hands
 * it a live server): the key counts come from the live server's own reading of the fixture
 * ({@code dataset.expected.ndjson}), not from Salvor's.
 */
class AuditTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path BACKUP = Fixtures.resolve("rdb/redis-7.0/dataset.rdb");

    private static long truthKeys(Path rdb) throws IOException {
        return Files.readAllLines(rdb.resolveSibling("dataset.expected.ndjson")).stream().filter(l -> l.contains("\"key\"")).count();
    }

    private static AuditReport audit(Path backup, Path server, double sample) throws IOException {
        return new Audit(sample, 2000, false, Spool.defaults(), Deadline.NONE)
                .run(backup, backup.getFileName().toString(), new RdbFileSource(server, "server"), KeySelector.ALL, -1, "test", null);
    }

    @Test
    void aServerHoldingWhatTheBackupHeldPasses() throws IOException {
        AuditReport r = audit(BACKUP, Fixtures.resolve("rdb/redis-7.0/dataset-nocompress.rdb"), 1);
        assertThat(r.pass()).isTrue();
        assertThat(r.salvage()).isNull();
        assertThat(r.diff().keysA()).isEqualTo(truthKeys(BACKUP));
        assertThat(r.verdictLine()).isEqualTo("the server holds exactly what the backup held");

        ByteArrayOutputStream json = new ByteArrayOutputStream();
        AuditJson.write(json, r);
        JsonNode n = JSON.readTree(json.toByteArray());
        assertThat(n.get("verdict").asText()).isEqualTo("PASS");
        assertThat(n.get("keys_backup").asLong()).isEqualTo(truthKeys(BACKUP));
        assertThat(n.get("backup_side").asText()).isEqualTo("whole");
        assertThat(AuditHtml.page(r)).contains("class=\"pass\">PASS");
    }

    @Test
    void aServerHoldingOtherDataFailsWithTheDifferencesCounted() throws IOException {
        Path other = Fixtures.resolve("rdb/redis-2.8/dataset.rdb");
        AuditReport r = audit(BACKUP, other, 1);
        assertThat(r.pass()).isFalse();
        assertThat(r.diff().keysB()).isEqualTo(truthKeys(other));
        assertThat(r.diff().countsByKind()).isNotEmpty();
        assertThat(AuditHtml.page(r)).contains("class=\"fail\">FAIL");
    }

    @Test
    void aDamagedBackupIsComparedAsSalvageRecoversItAndFails() throws IOException {
        AuditReport r = audit(Fixtures.resolve("damaged/redis-7.0-page-30-zeroed.rdb"), BACKUP, 1);
        assertThat(r.pass()).isFalse();
        assertThat(r.salvage()).isNotNull();
        assertThat(r.diff().keysA()).isEqualTo(r.salvage().keysRecovered() + r.salvage().keysPartial());
        assertThat(r.verdictLine()).startsWith("the backup itself is damaged");
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        AuditJson.write(json, r);
        assertThat(JSON.readTree(json.toByteArray()).get("backup_side").asText()).isEqualTo("salvaged");
    }

    @Test
    void aSampleAuditsTheSameShareOfKeysOnBothSides() throws IOException {
        AuditReport r = audit(BACKUP, BACKUP, 0.5);
        assertThat(r.pass()).isTrue();
        assertThat(r.backupSeen()).isEqualTo(truthKeys(BACKUP));
        assertThat(r.backupSampled()).isBetween(1L, r.backupSeen() - 1);
        assertThat(r.diff().keysA()).isEqualTo(r.backupSampled());
    }
}
