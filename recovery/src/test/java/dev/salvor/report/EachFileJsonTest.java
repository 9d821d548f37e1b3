package dev.salvor.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.salvor.check.CheckReport;
import dev.salvor.check.RdbChecker;
import dev.salvor.fixtures.Fixtures;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Several files' reports as JSON lines: each file's own report on one line, an unreadable file's error, the verdicts counted. */
class EachFileJsonTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path CLEAN = Fixtures.resolve("rdb/redis-7.4/dataset.rdb");
    private static final Path DAMAGED = Fixtures.resolve("damaged/redis-7.0-first-page-zeroed.rdb");

    private static String pretty(CheckReport r) throws IOException {
        StringWriter w = new StringWriter();
        CheckJson.write(w, r);
        return w.toString();
    }

    @Test
    void eachFilesReportIsItsOneFileReportOnOneLine() throws Exception {
        EachFileJson run = new EachFileJson();
        List<String> lines = new ArrayList<>();
        for (Path file : List.of(CLEAN, DAMAGED)) {
            CheckReport r = RdbChecker.checkFile(file, p -> { });
            String line = run.file(r.clean(), w -> CheckJson.write(w, r));
            assertThat(line).doesNotContain("\n").doesNotContain(" : ");
            String pretty = pretty(r);
            assertThat(pretty).contains("\n");
            assertThat(JSON.readTree(line)).isEqualTo(JSON.readTree(pretty));
            lines.add(line);
        }
        assertThat(JSON.readTree(lines.get(0)).get("clean").asBoolean()).isTrue();
        assertThat(JSON.readTree(lines.get(1)).get("clean").asBoolean()).isFalse();
        assertThat(JSON.readTree(lines.get(1)).get("problems").size()).isPositive();

        String gone = run.unreadable("gone.rdb", "gone.rdb: no such file");
        assertThat(gone).isEqualTo("{\"file\":\"gone.rdb\",\"error\":\"gone.rdb: no such file\",\"clean\":false}");
        run.count(EachFileJson.Verdict.DAMAGED);
        assertThat(List.of(run.files(), run.clean(), run.damaged(), run.unreadable())).containsExactly(4L, 1L, 2L, 1L);
    }

    @Test
    void aReportThatFailsToWriteIsNotCounted() {
        EachFileJson run = new EachFileJson();
        assertThatThrownBy(() -> run.file(true, w -> {
            throw new IOException("disk gone");
        })).hasMessage("disk gone");
        assertThat(run.files()).isZero();
    }
}
