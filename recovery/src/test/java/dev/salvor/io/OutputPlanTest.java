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
