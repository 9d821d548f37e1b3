package dev.salvor.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

class OutputPlanTest {
    @TempDir
    Path tmp;

    private long entries(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }

    @Test
    void outputsAppearTogetherOnCommitAndNotAtAllWithout() throws Exception {
        Path a = tmp.resolve("out/a.txt");
        Path b = tmp.resolve("out/b.txt");
        try (OutputPlan plan = new OutputPlan(false)) {
            OutputPlan.FileOutput oa = plan.file(a, "output");
            OutputPlan.FileOutput ob = plan.file(b, "report");
            plan.open();
            oa.stream().write("a".getBytes(StandardCharsets.UTF_8));
            ob.stream().write("b".getBytes(StandardCharsets.UTF_8));
            assertThat(a).doesNotExist();
            // The temporaries sit beside their targets, named after this process.
            assertThat(entries(tmp.resolve("out"))).isEqualTo(2);
        }
        assertThat(entries(tmp.resolve("out"))).isZero();

        try (OutputPlan plan = new OutputPlan(false)) {
            OutputPlan.FileOutput oa = plan.file(a, "output");
            OutputPlan.FileOutput ob = plan.file(b, "report");
            plan.open();
            oa.stream().write("a".getBytes(StandardCharsets.UTF_8));
            ob.stream().write("b".getBytes(StandardCharsets.UTF_8));
            plan.commit();
        }
        assertThat(Files.readString(a)).isEqualTo("a");
        assertThat(Files.readString(b)).isEqualTo("b");
        assertThat(entries(tmp.resolve("out"))).isEqualTo(2);
    }

    /** Bytes {@code [from, from + n)} of a pattern no two nearby positions share. */
    private static byte[] pattern(long from, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            long x = (from + i) * 0x9E3779B97F4A7C15L;
            b[i] = (byte) (x >>> 56);
        }
        return b;
    }

    @Test
    void aLargeOutputIsForcedBehindItsWritingAndCommittedWhole() throws Exception {
        Path big = tmp.resolve("big.bin");
        long total = 2 * OutputPlan.FLUSH_BEHIND + 123_457;
        try (OutputPlan plan = new OutputPlan(false)) {
            OutputPlan.FileOutput out = plan.file(big, "output");
            plan.open();
            long at = 0;
            int chunk = 1_000_003; // not a divisor of anything the streams buffer by
            while (at < total) {
                int n = (int) Math.min(chunk, total - at);
                out.stream().write(pattern(at, n));
                at += n;
            }
            plan.commit();
            assertThat(out.forcedBehind()).as("forces behind the writing").isGreaterThanOrEqualTo(1);
        }
        assertThat(Files.size(big)).isEqualTo(total);
        try (var in = Files.newInputStream(big)) {
            long at = 0;
            byte[] buf = new byte[1 << 20];
            int n;
            while ((n = in.readNBytes(buf, 0, buf.length)) > 0) {
                assertThat(java.util.Arrays.equals(buf, 0, n, pattern(at, n), 0, n)).as("bytes at %d", at).isTrue();
                at += n;
            }
        }
    }

    @Test
    void aLargeOutputLeftUncommittedLeavesNothingWhileAForceMayBeRunning() throws Exception {
        Path big = tmp.resolve("out/big.bin");
        try (OutputPlan plan = new OutputPlan(false)) {
            OutputPlan.FileOutput out = plan.file(big, "output");
            plan.open();
            byte[] block = pattern(0, 1 << 20);
            for (long at = 0; at < OutputPlan.FLUSH_BEHIND + (2 << 20); at += block.length) out.stream().write(block);
        }
        assertThat(big).doesNotExist();
        assertThat(entries(tmp.resolve("out"))).isZero();
    }

    @Test
    void anOutputUnderALinkedDirectoryIsResolvedWhereTheKernelPutsIt() throws Exception {
        Path real = Files.createDirectories(tmp.resolve("real/inner"));
        Path input = Files.writeString(real.resolve("in.rdb"), "x");
        Path link = Files.createSymbolicLink(tmp.resolve("link"), real);
        assertThat(OutputPlan.realLocation(link.resolve("in.rdb"))).isEqualTo(input.toRealPath());
        // "link/../x" goes up from the link's target, not from the link's folder.
        assertThat(OutputPlan.realLocation(link.resolve("../new/file"))).isEqualTo(tmp.toRealPath().resolve("real/new/file"));
        try (OutputPlan plan = new OutputPlan(true)) {
            plan.input(input);
            plan.file(tmp.resolve("link/../inner/in.rdb"), "output");
            assertThatThrownBy(plan::open).isInstanceOf(InputException.class).hasMessageContaining("is the input");
        }
        assertThat(Files.readString(input)).isEqualTo("x");
    }

    @Test
    void aReplacedDirectoryLosesOnlyTheFilesThatWereChecked() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("d"));
        Files.writeString(out.resolve("one"), "old");
        try (OutputPlan plan = new OutputPlan(true)) {
            OutputPlan.DirectoryOutput d = plan.directory(out, "output", dir -> null);
            plan.open();
            Files.writeString(d.path().resolve("two"), "new");
            // Something appears in the old directory while the run writes: the old directory is kept.
            Files.writeString(out.resolve("late"), "someone else's");
            assertThatThrownBy(plan::commit).hasMessageContaining("late");
        }
        assertThat(Files.readString(out.resolve("two"))).isEqualTo("new");
        try (Stream<Path> s = Files.list(tmp)) {
            Path kept = s.filter(p -> p.getFileName().toString().contains(".kept-")).findFirst().orElseThrow();
            assertThat(Files.readString(kept.resolve("late"))).isEqualTo("someone else's");
        }
    }
}
