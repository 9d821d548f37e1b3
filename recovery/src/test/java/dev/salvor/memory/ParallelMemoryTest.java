package dev.salvor.memory;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.salvor.fixtures.Fixtures;
import dev.salvor.rdb.RdbReader;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** Several threads give the one-thread report and records, byte for byte, errors included. */
class ParallelMemoryTest {
    @Test
    void everyFixtureGivesTheSameReportOnSeveralThreads() throws Exception {
        int files = 0;
        for (Path[] pair : Fixtures.rdbsWithTruth()) {
            Path rdb = pair[0];
            // The one-thread report, which every parallel run below must give.
            MemoryAnalyzer a = new MemoryAnalyzer(MemoryOptions.defaults());
            ByteArrayOutputStream oneKeys = new ByteArrayOutputStream();
            MemoryReport one;
            try (RdbReader r = RdbReader.open(rdb); KeyRecordWriter w = new KeyRecordWriter(KeyRecordWriter.Format.NDJSON, oneKeys)) {
                one = a.analyze(r, Files.size(rdb), Files.getLastModifiedTime(rdb).toMillis(), w, null);
            }
            for (long range : new long[] {1, 4096, ParallelMemory.RANGE_BYTES}) {
                ByteArrayOutputStream manyKeys = new ByteArrayOutputStream();
                MemoryReport many;
                try (KeyRecordWriter w = new KeyRecordWriter(KeyRecordWriter.Format.NDJSON, manyKeys)) {
                    many = a.analyzeParallel(rdb, 3, range, w, null);
                }
                assertThat(manyKeys.toString(StandardCharsets.UTF_8)).as(rdb + " range " + range).isEqualTo(oneKeys.toString(StandardCharsets.UTF_8));
                assertThat(json(many)).as(rdb + " range " + range).isEqualTo(json(one));
            }
            // The framing walk on three threads, in segments small enough that every fixture has several.
            ByteArrayOutputStream splitKeys = new ByteArrayOutputStream();
            MemoryReport split;
            try (KeyRecordWriter w = new KeyRecordWriter(KeyRecordWriter.Format.NDJSON, splitKeys)) {
                split = a.analyzeParallel(rdb, 3, 2048, 3, 1024, w, null);
            }
            assertThat(splitKeys.toString(StandardCharsets.UTF_8)).as(rdb + " framing on 3 threads").isEqualTo(oneKeys.toString(StandardCharsets.UTF_8));
            assertThat(json(split)).as(rdb + " framing on 3 threads").isEqualTo(json(one));
            files++;
        }
        assertThat(files).isGreaterThanOrEqualTo(10);
    }

    @Test
    void aDamagedFileFailsAtTheSamePointAfterTheSameKeys() throws Exception {
        Path demo = Path.of("..", "fixtures", "demo", "damaged.rdb");
        MemoryAnalyzer a = new MemoryAnalyzer(MemoryOptions.defaults());
        ByteArrayOutputStream oneKeys = new ByteArrayOutputStream();
        Throwable one;
        try (RdbReader r = RdbReader.open(demo); KeyRecordWriter w = new KeyRecordWriter(KeyRecordWriter.Format.NDJSON, oneKeys)) {
            one = catchThrowable(() -> a.analyze(r, Files.size(demo), -1, w, null));
        }
        ByteArrayOutputStream manyKeys = new ByteArrayOutputStream();
        Throwable many;
        try (KeyRecordWriter w = new KeyRecordWriter(KeyRecordWriter.Format.NDJSON, manyKeys)) {
            many = catchThrowable(() -> a.analyzeParallel(demo, 3, 4096, w, null));
        }
        assertThat(one).isInstanceOf(IOException.class);
        assertThat(many).isInstanceOf(IOException.class).hasMessage(one.getMessage());
        assertThat(manyKeys.toString(StandardCharsets.UTF_8)).isEqualTo(oneKeys.toString(StandardCharsets.UTF_8)).isNotEmpty();
    }

    private static String json(MemoryReport r) throws IOException {
        StringWriter s = new StringWriter();
        try (JsonGenerator g = new JsonFactory().createGenerator(s)) {
            MemoryReportJson.write(g, r, 50);
        }
        return s.toString();
    }
}
