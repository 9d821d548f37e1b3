package dev.salvor.rdb.walk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvor.fixtures.Fixtures;
import dev.salvor.fixtures.RedisServer;
import dev.salvor.format.InputFile;
import dev.salvor.rdb.RdbReader;
import dev.salvor.rdb.RdbToken;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The framing walk on several threads gives the one-thread walk's ranges, plan callbacks and
 * error, whatever its guessed record starts were: on every file of the corpus, damaged ones
 * included, and on a file whose values hold RDB records, where guesses land inside values.
 */
class SpeculativeFramingTest {
    @TempDir
    Path dir;

    /** Every plan callback, with what the planner's reader says at it. */
    static final class Recording implements ParallelRanges.Plan<ParallelRanges.Range> {
        final List<String> calls = new ArrayList<>();

        @Override
        public void header(RdbReader r) {
            calls.add("header v" + r.version() + " " + r.flavor() + " " + r.producer() + " at " + r.offset());
        }

        @Override
        public void token(RdbReader r, RdbToken t) {
            String what = switch (t) {
                case AUX -> r.auxKey() + "=" + r.auxValue();
                case SELECT_DB -> "db " + r.db();
                case RESIZE_DB -> r.resizeDbSize() + "/" + r.resizeExpiresSize();
                case SLOT_INFO -> r.slotId() + " " + r.slotSize() + " " + r.slotExpiresSize();
                case FUNCTION -> r.functionLibraryName() + " " + r.functionCode().length();
                case MODULE_AUX -> r.moduleName() + " " + r.moduleWhen();
                case HASH_TEMPLATE -> r.hashTemplateId() + " " + r.hashTemplateFields();
                case KEY -> new String(r.key(), java.nio.charset.StandardCharsets.ISO_8859_1) + " " + r.type();
                default -> "";
            };
            calls.add(t + " at " + r.tokenOffset() + " to " + r.offset() + " db " + r.db() + " " + what);
        }

        @Override
        public void end(RdbReader r) throws IOException {
            calls.add("end eof " + r.eofOffset() + " stored " + r.storedChecksum() + " " + r.checksumStatus() + " trailing " + r.hasTrailingData());
        }

        @Override
        public boolean checksumOnWorkers() {
            return true;
        }

        @Override
        public boolean everyKey() {
            return false;
        }

        @Override
        public ParallelRanges.Range item(ParallelRanges.Range range) {
            return range;
        }

        @Override
        public void work(ParallelRanges.Range range) {
            // The ranges themselves are what is compared.
        }
    }

    record Outcome(List<String> ranges, List<String> calls, String error, SpeculativeFraming.Stats stats) {
    }

    static Outcome walk(Path file, int framingThreads, long segmentBytes, long rangeBytes) throws IOException {
        Recording plan = new Recording();
        List<String> ranges = new ArrayList<>();
        String error = null;
        SpeculativeFraming.Stats stats;
        try (InputFile in = InputFile.open(file);
             ParallelRanges<ParallelRanges.Range> p = new ParallelRanges<>(in, 2, rangeBytes, framingThreads, segmentBytes, true, "test", plan)) {
            try {
                ParallelRanges.Range r;
                while ((r = p.next()) != null) {
                    RdbReader.Context c = r.context();
                    ranges.add(r.start() + ".." + r.end() + " v" + c.version() + " " + c.flavor() + " db " + c.db() + " templates " + c.templates().size());
                }
            } catch (IOException | RuntimeException e) {
                error = e.getClass().getSimpleName() + ": " + e.getMessage();
            }
            stats = p.framingStats();
        }
        return new Outcome(ranges, plan.calls, error, stats);
    }

    static Stream<Path> corpus() throws IOException {
        List<Path> all = new ArrayList<>(Fixtures.intactRdbs());
        try (Stream<Path> damaged = Files.list(Fixtures.resolve("damaged"))) {
            damaged.filter(p -> p.toString().endsWith(".rdb")).sorted().forEach(all::add);
        }
        return all.stream();
    }

    @ParameterizedTest
    @MethodSource("corpus")
    void severalFramingThreadsGiveTheOneThreadWalk(Path file) throws Exception {
        // The planner waits for every guess (in a real run it walks a segment no helper has begun), so each is tested.
        Outcome one = walk(file, 1, 1024, 512);
        assertThat(one.stats()).isNull();
        for (long segment : new long[] {512, 1024, 4096}) {
            Outcome split = walk(file, 3, segment, 512);
            assertThat(split.ranges()).as("ranges, segments of %d", segment).isEqualTo(one.ranges());
            assertThat(split.calls()).as("plan callbacks, segments of %d", segment).isEqualTo(one.calls());
            assertThat(split.error()).as("error, segments of %d", segment).isEqualTo(one.error());
        }
    }

    @Test
    void theCorpusIsMostlyFramedByTheHelpersNotThePlanner() throws Exception {
        Path file = Fixtures.resolve("rdb/redis-7.0/dataset-nocompress.rdb");
        Outcome split = walk(file, 3, 4096, 512);
        assertThat(split.stats()).isNotNull();
        // The planner waits for the guesses here (segments inside one large value are passed over).
        SpeculativeFraming.Stats s = split.stats();
        assertThat(s.segmentsTaken()).as("%s", s).isGreaterThan(20).isGreaterThanOrEqualTo(3 * (s.segmentsTaken() + s.segmentsWalkedByPlanner()) / 4);
        assertThat(split.stats().recordsTaken()).as("%s", split.stats()).isGreaterThan(100);
        assertThat(split.ranges()).isEqualTo(walk(file, 1, 4096, 512).ranges());
    }

    @Test
    void guessesInsideValuesThatHoldRecordsAreProvenByTheTrueWalk() throws Exception {
        // Records of a real dump (from its first key on) become string values of another real dump,
        // uncompressed, so a segment boundary inside such a value finds records there.
        Path source = Fixtures.resolve("rdb/redis-7.0/dataset-nocompress.rdb");
        List<Long> starts = new ArrayList<>();
        try (RdbReader r = RdbReader.open(source)) {
            RdbToken t;
            while ((t = r.next()) != RdbToken.END) {
                if (t == RdbToken.KEY) {
                    starts.add(r.tokenOffset());
                    r.skipValue(RdbReader.Skip.FRAMING);
                }
            }
        }
        byte[] bytes = Files.readAllBytes(source);
        int m = 12;
        while (starts.get(m) - starts.get(0) < 600) m++;
        byte[] records = Arrays.copyOfRange(bytes, (int) (long) starts.get(0), (int) (long) starts.get(m));
        Path file;
        try (RedisServer redis = RedisServer.start(dir.resolve("r"))) {
            redis.call("CONFIG", "SET", "rdbcompression", "no");
            for (int i = 0; i < 400; i++) {
                // Whole runs of records, and runs cut at a point that is no record boundary.
                byte[] value = i % 3 == 2 ? Arrays.copyOf(records, records.length - 1 - i % 37) : records;
                redis.call("SET", "embedded:" + i, value);
                redis.call("SET", "plain:" + i, "v" + i);
            }
            file = redis.save();
        }
        Outcome one = walk(file, 1, 4096, 2048);
        Outcome split = walk(file, 3, 4096, 2048);
        assertThat(split.ranges()).isEqualTo(one.ranges());
        assertThat(split.calls()).isEqualTo(one.calls());
        assertThat(split.error()).isNull();
        assertThat(one.error()).isNull();
        assertThat(split.stats().lateMeetings()).as("%s", split.stats()).isGreaterThan(0);
        assertThat(split.stats().segmentsTaken()).as("%s", split.stats()).isGreaterThan(0);
    }
}
