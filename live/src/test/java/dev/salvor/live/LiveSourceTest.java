package dev.salvor.live;

import dev.salvor.diff.KeySource;
import dev.salvor.diff.RdbFileSource;
import dev.salvor.diff.DiffEngine;
import static org.assertj.core.api.Assertions.assertThat;

import dev.salvor.export.KeySelector;
import dev.salvor.fixtures.RedisServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reading a real server: one script call per SCAN page where the server allows it, pipelined DUMP
 * and PEXPIRETIME where it refuses scripts, the same records either way and the same as the
 * server's own snapshot; and the rate limit, checked by counting keys against simulated time.
 */
class LiveSourceTest {
    private static final int KEYS = 3000;

    @TempDir
    static Path tmp;
    static RedisServer server;
    static Path snapshot;

    @BeforeAll
    static void populate() throws IOException {
        server = RedisServer.start(tmp.resolve("server"));
        for (int i = 0; i < KEYS; i++) {
            String k = "key:" + i;
            switch (i % 6) {
                case 0 -> server.call("SET", k, "value " + i);
                case 1 -> server.call("HSET", k, "a", "1", "b", "text " + i);
                case 2 -> server.call("RPUSH", k, "x", "y", Integer.toString(i));
                case 3 -> server.call("ZADD", k, "1.5", "m", Integer.toString(i), "n");
                case 4 -> server.call("SADD", k, "p", "q", "r" + i);
                default -> server.call("XADD", k, "*", "f", "v" + i);
            }
            if (i % 7 == 0) server.call("PEXPIRE", k, 3_600_000 + i);
        }
        server.call("SELECT", "3");
        for (int i = 0; i < 700; i++) server.call("SET", "other:" + i, Integer.toString(i * 31));
        server.call("SELECT", "0");
        server.call("SET", "big", "v".repeat(100_000));
        // An account that may read everything but run no script.
        server.call("ACL", "SETUSER", "noscripts", "on", ">pw", "~*", "&*", "+@all", "-@scripting");
        snapshot = server.save();
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    /** Each key's record as comparable text: db, key, expiry, fingerprint. */
    private static Map<String, String> read(LiveSource source) throws IOException {
        Map<String, String> records = new HashMap<>();
        source.scan(KeySelector.ALL, r -> records.put(r.db() + "/" + new String(r.key(), StandardCharsets.UTF_8),
                r.expireAtMs() + " " + r.digest()));
        return records;
    }

    @Test
    void pagesAreReadByOneScriptCallEach() throws IOException {
        try (LiveSource s = new LiveSource(server.url(), null)) {
            Map<String, String> records = read(s);
            assertThat(records).hasSize(KEYS + 700 + 1);
            assertThat(s.pagesByScript()).isGreaterThanOrEqualTo((KEYS + 700) / 500);
            assertThat(s.pagesPipelined()).isZero();
            assertThat(s.scriptRefusal()).isNull();
        }
    }

    @Test
    void anAccountWithoutScriptingIsReadByPipeliningWithTheSameRecords() throws IOException {
        Map<String, String> byScript;
        try (LiveSource s = new LiveSource(server.url(), null)) {
            byScript = read(s);
        }
        String url = "redis://noscripts:pw@127.0.0.1:" + server.port();
        try (LiveSource s = new LiveSource(url, null)) {
            Map<String, String> pipelined = read(s);
            assertThat(s.pagesByScript()).isZero();
            assertThat(s.pagesPipelined()).isGreaterThanOrEqualTo((KEYS + 700) / 500);
            assertThat(s.scriptRefusal()).contains("NOPERM");
            assertThat(pipelined).isEqualTo(byScript);
        }
    }

    @Test
    void bothWaysFindTheSameDifferencesAgainstTheSnapshot() throws IOException {
        for (String url : List.of(server.url(), "redis://noscripts:pw@127.0.0.1:" + server.port())) {
            try (KeySource a = new RdbFileSource(snapshot, "snapshot"); KeySource b = new LiveSource(url, null)) {
                DiffEngine.Report r = new DiffEngine(2000, false).diff(a, b, KeySelector.ALL);
                assertThat(r.keysB()).as(url).isEqualTo(KEYS + 700 + 1);
                assertThat(r.identical()).as("%s %s", url, r.differences().list()).isTrue();
            }
        }
        server.call("SET", "key:0", "changed");
        server.call("DEL", "key:1");
        try {
            List<String> found = new ArrayList<>();
            for (String url : List.of(server.url(), "redis://noscripts:pw@127.0.0.1:" + server.port())) {
                try (KeySource a = new RdbFileSource(snapshot, "snapshot"); KeySource b = new LiveSource(url, null)) {
                    DiffEngine.Report r = new DiffEngine(2000, false).diff(a, b, KeySelector.ALL);
                    assertThat(r.differences().list()).as(url).hasSize(2);
                    found.add(r.differences().list().stream()
                            .map(d -> d.kind() + " " + d.db() + "/" + new String(d.key(), StandardCharsets.UTF_8) + " " + d.details()).toList().toString());
                }
            }
            assertThat(found.get(1)).isEqualTo(found.get(0));
        } finally {
            server.call("SET", "key:0", "value 0");
            server.call("HSET", "key:1", "a", "1", "b", "text 1");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void aKeyDeletedBeforeItsPageIsReadIsNotReported() throws IOException {
        try (RedisServer other = RedisServer.start(tmp.resolve("deleting"))) {
            for (int i = 0; i < 5000; i++) other.call("SET", "k:" + i, "v" + i);
            // The first page as the server will hand it out (SCAN is deterministic on an unchanged table).
            List<Object> first = (List<Object>) other.call("SCAN", "0", "COUNT", "500");
            java.util.Set<String> keep = new java.util.HashSet<>();
            for (Object k : (List<Object>) first.get(1)) keep.add(new String((byte[]) k, StandardCharsets.UTF_8));
            java.util.Set<String> seen = new java.util.HashSet<>();
            boolean[] deleted = {false};
            try (LiveSource s = new LiveSource(other.url(), null)) {
                s.scan(KeySelector.ALL, r -> {
                    if (!deleted[0]) {
                        // While the diff takes its first record, everything after the first page goes.
                        deleted[0] = true;
                        try {
                            for (int i = 0; i < 5000; i++) if (!keep.contains("k:" + i)) other.call("DEL", "k:" + i);
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }
                    seen.add(new String(r.key(), StandardCharsets.UTF_8));
                });
            }
            assertThat(seen).isEqualTo(keep);
        }
    }

    @Test
    void theRateLimitHoldsCountedInSimulatedTime() throws IOException {
        double rate = 1000;
        AtomicLong clock = new AtomicLong(1_000_000_000L);
        AtomicLong sleeps = new AtomicLong();
        // Time moves only when the limiter sleeps: keys read by a moment can be counted exactly.
        RateLimiter limiter = new RateLimiter(rate, clock::get, nanos -> {
            sleeps.incrementAndGet();
            clock.addAndGet(nanos);
        });
        long start = clock.get();
        List<Long> readAt = new ArrayList<>();
        try (LiveSource s = new LiveSource(server.url(), null).rateLimit(limiter)) {
            s.scan(KeySelector.ALL, r -> readAt.add(clock.get() - start));
        }
        assertThat(readAt).hasSize(KEYS + 700 + 1);
        // By any moment t, at most rate * t keys plus the page being read (SCAN COUNT 500 may give
        // a few hundred more) have been handed over.
        for (int i = 0; i < readAt.size(); i++) {
            double allowed = rate * readAt.get(i) / 1e9 + 1000;
            assertThat((double) i + 1).as("key %d at %d ns", i, readAt.get(i)).isLessThanOrEqualTo(allowed);
        }
        // And the whole read took at least the simulated time the limit asks for (the last page's keys aside).
        assertThat(clock.get() - start).isGreaterThanOrEqualTo((long) ((readAt.size() - 1000) / rate * 1e9));
        assertThat(sleeps.get()).isGreaterThanOrEqualTo(readAt.size() / 500 - 1);
    }
}
