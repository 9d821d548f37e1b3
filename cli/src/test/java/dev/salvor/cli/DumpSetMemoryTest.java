package dev.salvor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvor.fixtures.RedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** A DUMP payload set with one very long line is read within a small heap, not held five times over. */
class DumpSetMemoryTest {
    @TempDir
    Path tmp;

    private static long longestLine(Path file) throws Exception {
        long longest = 0, current = 0;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            int c;
            while ((c = in.read()) >= 0) {
                if (c == '\n') {
                    longest = Math.max(longest, current);
                    current = 0;
                } else {
                    current++;
                }
            }
        }
        return Math.max(longest, current);
    }

    @Test
    void aDumpSetLineOf64MegabytesDiffsInASmallHeap() throws Exception {
        Path rdb;
        try (RedisServer redis = RedisServer.start(tmp.resolve("server"), "--rdbcompression", "no")) {
            // One list of 1.4 M elements: its DUMP payload is ~53 MB, its base64 line over 64 MB.
            redis.call("EVAL", "for i=1,1400000 do redis.call('RPUSH','big',string.format('m:%07d:abcdefghijklmnopqrstuvwxyz01',i)) end", "0");
            redis.call("SET", "small", "1");
            rdb = Files.copy(redis.save(), tmp.resolve("big.rdb"));
        }
        Path dumps = tmp.resolve("dumps.ndjson");
        CliRunner.Result export = CliRunner.run("export", rdb.toString(), "--format", "dumps", "-o", dumps.toString());
        assertThat(export.exitCode()).as(export.err()).isEqualTo(0);
        assertThat(longestLine(dumps)).isGreaterThan(64L << 20);

        SalvorProcess.Result r = SalvorProcess.run(tmp, List.of("-Xmx192m"), Map.of(), 300, "diff", dumps.toString(), rdb.toString());
        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(0);
        assertThat(r.out()).contains("identical");
    }

    @Test
    void aPayloadPastTheLimitIsRefusedBeforeItIsHeld() throws Exception {
        Path set = tmp.resolve("hostile.ndjson");
        // 100 MB of base64 "A"s in one payload (75 MB of zero bytes once decoded): more than the 64 MB limit set here.
        try (var out = new java.io.BufferedOutputStream(Files.newOutputStream(set), 1 << 16)) {
            out.write("{\"db\":0,\"key\":\"k\",\"dump\":\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            byte[] a = new byte[1 << 16];
            java.util.Arrays.fill(a, (byte) 'A');
            for (int i = 0; i < 1600; i++) out.write(a);
            out.write("\"}\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
        IOExceptionAssert.refused(() -> {
            try (var src = new dev.salvor.diff.DumpSet.Source(set, 64L << 20)) {
                src.scan(dev.salvor.export.KeySelector.ALL, k -> { });
            }
        }, "line 1", "longer than");
    }
}
