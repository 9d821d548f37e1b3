package dev.salvor.rdb.walk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.salvor.fixtures.Fixtures;
import dev.salvor.rdb.RdbReader;
import dev.salvor.rdb.RdbToken;

import java.io.IOException;
import dev.salvor.format.InputFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Ranges of whole records read on several threads come back in file order with the one-thread result. */
class ParallelRangesTest {
    /** A range and the key names a worker read in it (or the error that stopped it, after them). */
    record Item(ParallelRanges.Range range, List<String> keys, CompletableFuture<Exception> failure) {
    }

    static final class KeyNames implements ParallelRanges.Plan<Item> {
        private final InputFile file;
        final List<RdbToken> planned = new ArrayList<>();

        KeyNames(InputFile file) {
            this.file = file;
        }

        @Override
        public void token(RdbReader planner, RdbToken token) {
            planned.add(token);
        }

        @Override
        public Item item(ParallelRanges.Range range) {
            return new Item(range, new ArrayList<>(), new CompletableFuture<>());
        }

        @Override
        public void work(Item item) {
            try (RdbReader r = item.range.open(file)) {
                RdbToken t;
                while ((t = r.next()) != RdbToken.END && t != RdbToken.EOF) {
                    if (t != RdbToken.KEY) continue;
                    if (r.tokenOffset() >= item.range.end()) break;
                    item.keys.add(new String(r.key()));
                    r.skipValue(RdbReader.Skip.DECODE);
                }
                item.failure.complete(null);
            } catch (Exception e) {
                item.failure.complete(e);
            }
        }
    }

    /** Key names of a one-thread read, and the message of the error that stopped it (or null). */
    static List<String> oneThread(Path file, String[] error) throws IOException {
        List<String> keys = new ArrayList<>();
        try (RdbReader r = RdbReader.open(file)) {
            RdbToken t;
            while ((t = r.next()) != RdbToken.END) {
                if (t != RdbToken.KEY) continue;
                keys.add(new String(r.key()));
                r.skipValue(RdbReader.Skip.DECODE);
            }
        } catch (IOException e) {
            error[0] = e.getMessage();
        }
        return keys;
    }

    @Test
    void rangesCoverTheFileInOrderAndReadEveryKeyOnce() throws Exception {
        Path file = Fixtures.resolve("rdb/redis-7.0/dataset.rdb");
        String[] error = new String[1];
        List<String> expected = oneThread(file, error);
        assertThat(error[0]).isNull();
        InputFile in = InputFile.open(file);
        KeyNames plan = new KeyNames(in);
        List<String> keys = new ArrayList<>();
        List<ParallelRanges.Range> ranges = new ArrayList<>();
        try (in; ParallelRanges<Item> parallel = new ParallelRanges<>(in, 3, 16 << 10, "test", plan)) {
            Item item;
            while ((item = parallel.next()) != null) {
                assertThat(item.failure.get()).isNull();
                keys.addAll(item.keys);
                ranges.add(item.range);
            }
            assertThat(parallel.next()).isNull();
        }
        assertThat(keys).isEqualTo(expected);
        assertThat(ranges.size()).isGreaterThan(5);
        assertThat(ranges.get(0).start()).isEqualTo(9); // just past REDIS0010
        for (int i = 1; i < ranges.size(); i++) assertThat(ranges.get(i).start()).isEqualTo(ranges.get(i - 1).end());
        assertThat(plan.planned).contains(RdbToken.KEY, RdbToken.EOF);
    }

    @Test
    void brokenFramingGivesTheRestToOneWorkerThatMeetsTheErrorAfterEveryKeyBefore() throws Exception {
        Path file = Fixtures.resolve("damaged/redis-7.0-page-30-zeroed.rdb");
        String[] error = new String[1];
        List<String> expected = oneThread(file, error);
        assertThat(error[0]).isNotNull();
        List<String> keys = new ArrayList<>();
        Exception met = null;
        try (InputFile in = InputFile.open(file); ParallelRanges<Item> parallel = new ParallelRanges<>(in, 2, 16 << 10, "test", new KeyNames(in))) {
            Item item;
            while ((item = parallel.next()) != null) {
                met = item.failure.get();
                keys.addAll(item.keys);
                if (met != null) break;
            }
            if (met == null) assertThatThrownBy(parallel::next).hasMessage(error[0]);
        }
        assertThat(keys).isEqualTo(expected);
        if (met != null) assertThat(met).hasMessage(error[0]);
    }
}
