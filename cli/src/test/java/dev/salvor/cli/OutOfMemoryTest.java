package dev.salvor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvor.fixtures.RedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Running out of memory is an error of the run (exit 2, one line), never "damage found" with a stack trace. */
class OutOfMemoryTest {
    @TempDir
    Path tmp;

    @Test
    void anOutOfMemoryErrorIsOneLineAndExitTwo() throws Exception {
        // A real set of 600,000 members: `export --sorted` holds a collection's elements to sort
        // them (up to 64 MB), more than a 32 MB heap holds.
        Path rdb;
        try (RedisServer redis = RedisServer.start(tmp.resolve("server"))) {
            redis.call("EVAL", "for i=1,600000 do redis.call('SADD','big','member:'..i) end", "0");
            rdb = Files.copy(redis.save(), tmp.resolve("big-set.rdb"));
        }
        SalvorProcess.Result r = SalvorProcess.run(tmp, List.of("-Xmx32m"), Map.of(), 300,
                "export", "--sorted", rdb.toString(), "-o", tmp.resolve("out.ndjson").toString());
        assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
        assertThat(r.err().strip().lines()).as(r.err()).hasSize(1);
        assertThat(r.err()).startsWith("salvor: out of memory").contains("'export'").contains("-Xmx").doesNotContain("\tat ");
        // Nothing half-written is left behind.
        try (var s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("server", "big-set.rdb");
        }
    }
}
