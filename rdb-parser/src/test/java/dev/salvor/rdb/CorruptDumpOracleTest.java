package dev.salvor.rdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvor.fixtures.RestoreOracle;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * The real servers are the oracle: every corrupt-DUMP sample is RESTOREd with
 * {@code sanitize-dump-payload yes} into each server (Debian's 7.0, and 7.2, 7.4, 8.0-m01 and
 * Valkey 8.0 from {@code ../shared/servers}); the server's verdict must be the one recorded in
 * {@code verdicts.tsv}, and Salvor's must be the server's: refused when Salvor refuses the payload
 * or the payload claims an RDB version newer than the server's.
 */
class CorruptDumpOracleTest {
    static final List<String> SERVERS = RestoreOracle.SERVERS;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @FieldSource("SERVERS")
    void serversJudgeTheSamplesAsRecordedAndSalvorAgrees(String serverName) throws Exception {
        List<String> disagreements = new ArrayList<>();
        try (RestoreOracle server = RestoreOracle.start(serverName, dir)) {
            for (CorruptDumpSamples.Sample s : CorruptDumpSamples.all()) {
                byte[] payload = s.payload();
                String recorded = s.servers().get(serverName);
                boolean newer = s.claimedVersion() > server.rdbVersion();
                String live = newer ? "version" : server.restore(payload, s.config()).name().toLowerCase();
                assertThat(live).as("%s on %s (recorded in verdicts.tsv)", s, serverName).isEqualTo(recorded);
                boolean serverRefuses = !live.equals("loads");
                RdbFormatException salvor = CorruptDumpSamples.salvorRefuses(payload);
                boolean salvorRefuses = newer || salvor != null;
                if (serverRefuses != salvorRefuses && !CorruptDumpSamples.tofix().contains(s.name())) {
                    disagreements.add(s + ": " + serverName + " " + live + ", Salvor " + (salvor == null ? "loads" : salvor.getMessage()));
                }
            }
        }
        assertThat(disagreements).isEmpty();
    }
}
