package dev.salvor.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvor.diff.CollectedValue;
import dev.salvor.diff.DiffEngine;
import dev.salvor.diff.KeyRecord;
import dev.salvor.diff.KeySource;
import dev.salvor.diff.RdbFileSource;
import dev.salvor.export.KeySelector;
import dev.salvor.fixtures.RedisServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real server's SCAN hands out keys twice when its table shrinks during the scan (it promises
 * every key at least once, not exactly once). A snapshot compared with that server must still
 * see each key once: the second sighting is no key "only in B".
 */
class LiveScanRepeatsTest {
    private static final int KEYS = 20_000;

    /** The live server; when its scan hands out its first key, every key but {@code keep} is deleted, so that its table shrinks. */
    static final class Shrinking implements KeySource {
        final LiveSource live;
        final RedisServer redis;
        final Set<String> keep;
        final Set<String> seen = new HashSet<>();
        long repeats;
        boolean shrunk;

        Shrinking(RedisServer redis, Set<String> keep) throws IOException {
            this.redis = redis;
            this.keep = keep;
            this.live = new LiveSource(redis.url(), null);
        }

        @Override
        public String describe() {
            return "live";
        }

        @Override
        public void scan(KeySelector selector, Consumer<KeyRecord> sink) throws IOException {
            live.scan(selector, r -> {
                if (!shrunk) {
                    shrunk = true;
                    shrink();
                }
                if (!seen.add(new String(r.key(), StandardCharsets.UTF_8))) repeats++;
                sink.accept(r);
            });
        }

        private void shrink() {
            try {
                List<Object> del = new ArrayList<>(List.of("DEL"));
                for (int i = 0; i < KEYS; i++) {
                    String k = "key:" + i;
                    if (keep.contains(k)) continue;
                    del.add(k);
                    if (del.size() == 1001) {
                        redis.call(del.toArray());
                        del = new ArrayList<>(List.of("DEL"));
                    }
                }
                if (del.size() > 1) redis.call(del.toArray());
                awaitTable(redis, false);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public CollectedValue fetch(KeyRecord record) throws IOException {
            return live.fetch(record);
        }

        @Override
        public boolean live() {
            return true;
        }

        @Override
        public long clockMs() throws IOException {
            return live.clockMs();
        }

        @Override
        public KeyRecord refetch(KeyRecord record) throws IOException {
            return live.refetch(record);
        }

        @Override
        public void close() throws IOException {
            live.close();
        }
    }

    /** Waits until db 0's table is not being rehashed and is (or, with {@code big} false, is no longer) 32768 buckets. */
    static void awaitTable(RedisServer redis, boolean big) throws IOException {
        long until = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < until) {
            Object stats = redis.call("DEBUG", "HTSTATS", "0");
            String s = stats instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(stats);
            if (!s.contains("rehashing target") && s.contains("table size: 32768") == big) return;
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
        }
        throw new IOException("the server's table did not " + (big ? "settle" : "shrink") + " in 20 s");
    }

    @Test
    void aKeyTheServerScansTwiceIsNoKeyOnlyInB(@TempDir Path tmp) throws Exception {
        for (long maxMemory : new long[] {-1, 8 << 20}) {
            // Whether the shrunk table puts keys already handed out under the cursor again depends on
            // the server's random hash seed and on when the scan meets the shrink: a fresh server is
            // tried until its scan hands a key out twice (each run is checked).
            long repeats = 0;
            for (int attempt = 1; attempt <= 8 && repeats == 0; attempt++) {
                repeats = compare(tmp.resolve(maxMemory + "-" + attempt), maxMemory);
            }
            assertThat(repeats).as("keys the SCAN handed out twice (max memory %d)", maxMemory).isPositive();
        }
    }

    /** One comparison of a snapshot with a server whose table shrinks mid-scan; the keys it handed out twice. */
    @SuppressWarnings("unchecked")
    private static long compare(Path dir, long maxMemory) throws Exception {
        try (RedisServer redis = RedisServer.start(dir.resolve("server"), "--enable-debug-command", "yes")) {
            redis.call("DEBUG", "POPULATE", Integer.toString(KEYS), "key");
            awaitTable(redis, true);
            Path snapshot = Files.copy(redis.save(), dir.resolve("snapshot.rdb"));
            // The keys compared: those of the scan's first four pages (SCAN is deterministic on an
            // unchanged table), which the server keeps. The rest are deleted once the scan has begun,
            // so the table shrinks from 32768 buckets to 2048 under the cursor; whenever a scan reads
            // them, they are outside the comparison on both sides.
            Set<String> keep = new HashSet<>();
            String cursor = "0";
            for (int p = 0; p < 4; p++) {
                List<Object> page = (List<Object>) redis.call("SCAN", cursor, "COUNT", "500");
                cursor = new String((byte[]) page.get(0), StandardCharsets.UTF_8);
                for (Object k : (List<Object>) page.get(1)) keep.add(new String((byte[]) k, StandardCharsets.UTF_8));
            }
            KeySelector kept = (db, key, type) -> keep.contains(new String(key, StandardCharsets.UTF_8));
            try (KeySource a = new RdbFileSource(snapshot, "snapshot"); Shrinking b = new Shrinking(redis, keep)) {
                DiffEngine.Report r = new DiffEngine(0, false, maxMemory).diff(a, b, kept);
                assertThat(b.shrunk).isTrue();
                assertThat(b.seen).isEqualTo(keep);
                assertThat(r.differences().list()).as("max memory %d, %d keys handed out twice", maxMemory, b.repeats).isEmpty();
                assertThat(r.identical()).isTrue();
                assertThat(r.keysA()).isEqualTo(keep.size());
                assertThat(r.keysB()).isEqualTo(keep.size());
                return b.repeats;
            }
        }
    }
}
