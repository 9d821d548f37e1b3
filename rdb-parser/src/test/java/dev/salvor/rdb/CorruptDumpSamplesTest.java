package dev.salvor.rdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each corrupt-DUMP sample gets from Salvor the verdict the real servers gave it (recorded in its
 * name; {@link CorruptDumpOracleTest} asks the servers again). Runs without any server.
 */
class CorruptDumpSamplesTest {
    static List<CorruptDumpSamples.Sample> samples() throws Exception {
        return CorruptDumpSamples.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void salvorGivesTheServersVerdict(CorruptDumpSamples.Sample s) throws Exception {
        RdbFormatException refusal = CorruptDumpSamples.salvorRefuses(s.payload());
        String salvor = refusal == null ? "loads" : "refused";
        if (CorruptDumpSamples.tofix().contains(s.name())) {
            assertThat(salvor).as("%s is listed in tofix.txt but now gets the servers' verdict: take it off the list", s)
                    .isNotEqualTo(s.namedVerdict());
        } else {
            assertThat(salvor).as("%s (Salvor: %s)", s, refusal == null ? "loads" : refusal.getMessage()).isEqualTo(s.namedVerdict());
        }
    }

    @Test
    void everyServerThatCoversAPayloadAgrees() throws Exception {
        for (CorruptDumpSamples.Sample s : samples()) {
            long distinct = s.servers().values().stream().filter(v -> !v.equals("version"))
                    .map(v -> v.equals("crashed") ? "refused" : v).distinct().count();
            assertThat(distinct).as("%s: %s", s, s.servers()).isEqualTo(1);
            assertThat(s.servers().values().stream().filter(v -> !v.equals("version")).findFirst().orElseThrow()
                    .replace("crashed", "refused")).as("%s", s).isEqualTo(s.namedVerdict());
        }
    }
}
