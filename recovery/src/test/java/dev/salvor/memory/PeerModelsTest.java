package dev.salvor.memory;

import dev.salvor.fixtures.Fixtures;
import dev.salvor.fixtures.ServerBinaries;
import dev.salvor.rdb.RdbReader;
import dev.salvor.rdb.RdbToken;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The re-implemented peer models give what the peers' own tests expect on the peers' own dumps. */
class PeerModelsTest {
    @Test
    void redisRdbToolsOnItsOwnDumps() throws Exception {
        // rdbtools' memprofiler_tests.py: the string of keys_with_expiry.rdb is 128 bytes, the list of
        // ziplist_that_compresses_easily.rdb 301
        assertThat(estimates(Fixtures.resolve("peer/keys_with_expiry.rdb"), true)).containsEntry("expires_ms_precision", 128L);
        assertThat(estimates(Fixtures.resolve("peer/ziplist_that_compresses_easily.rdb"), true)).containsEntry("ziplist_compresses_easily", 301L);
        Path streams = shared("peer-dumps/redis-rdb-tools/redis_50_with_streams.rdb");
        assertThat(estimates(streams, true)).containsEntry("mystream", 1976L);
    }

    @Test
    void hdt3213OnItsOwnDumps() throws Exception {
        int checked = 0;
        for (String name : List.of("memory", "listpack", "stream_listpacks_2")) {
            Path dir = shared("peer-dumps/hdt3213-rdb");
            Map<String, Long> mine = estimates(dir.resolve(name + ".rdb"), false);
            List<String> lines = Files.readAllLines(dir.resolve(name + ".csv"), StandardCharsets.UTF_8);
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.split(",");
                assertThat(mine).as(name + ": " + line).containsEntry(f[1], Long.parseLong(f[3]));
                checked++;
            }
        }
        assertThat(checked).isEqualTo(11);
    }

    static Map<String, Long> estimates(Path rdb, boolean rdbTools) throws IOException {
        Map<String, Long> out = new HashMap<>();
        try (RdbReader r = RdbReader.open(rdb)) {
            RdbToken t;
            while ((t = r.next()) != RdbToken.END) {
                if (t != RdbToken.KEY) continue;
                String key = new String(r.key(), StandardCharsets.UTF_8);
                out.put(key, rdbTools ? PeerModels.rdbTools(r) : PeerModels.hdt3213(r));
            }
        }
        return out;
    }

    static Path shared(String relative) {
        java.util.Optional<Path> p = ServerBinaries.sharedPath(relative);
        if (p.isPresent()) return p.get();
        if (ServerBinaries.inCi() || ServerBinaries.shared().isPresent()) throw new AssertionError("../shared/" + relative + " is required here but missing");
        throw new TestAbortedException("skipped: ../shared/" + relative + " is not available");
    }
}
