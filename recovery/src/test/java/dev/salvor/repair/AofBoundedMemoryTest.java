package dev.salvor.repair;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvor.fixtures.SmallHeap;

import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The repair's transaction buffer is bounded when an EXEC is lost (11.14): a MULTI followed by
 * 96 MB of commands and no EXEC is repaired in a JVM of 32 MiB, where holding the transaction's
 * bytes until its EXEC would not fit.
 */
class AofBoundedMemoryTest {
    @TempDir
    Path tmp;

    @Test
    void aTransactionWhoseExecIsLostIsHeldBackAsRangesNotBytes() throws Exception {
        Path aof = tmp.resolve("open-multi.aof");
        String value = "v".repeat(200);
        long commands = 0;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(aof), 1 << 16)) {
            out.write("*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$6\r\nbefore\r\n$1\r\n1\r\n*1\r\n$5\r\nMULTI\r\n".getBytes(StandardCharsets.US_ASCII));
            while (commands < 400_000) {
                String key = "key:" + commands++;
                out.write(("*3\r\n$3\r\nSET\r\n$" + key.length() + "\r\n" + key + "\r\n$" + value.length() + "\r\n" + value + "\r\n").getBytes(StandardCharsets.US_ASCII));
            }
        }
        assertThat(Files.size(aof)).isGreaterThan(90L << 20);
        SmallHeap.Result r = SmallHeap.run("32m", AofBoundedTransactionProbe.class, aof.toString(), tmp.resolve("out.aof").toString());
        assertThat(r.outOfMemory()).as(r.output()).isFalse();
        assertThat(r.exitCode()).as(r.output()).isEqualTo(0);
        // SELECT and SET kept; the MULTI and every command after it dropped with the open transaction.
        assertThat(r.output()).contains("read=" + (commands + 3) + " kept=2 dropped=" + (commands + 1) + " regions=1 reason=unterminated MULTI");
        assertThat(Files.size(tmp.resolve("out.aof"))).isLessThan(100);
    }
}
