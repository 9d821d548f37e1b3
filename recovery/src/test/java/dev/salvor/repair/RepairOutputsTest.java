package dev.salvor.repair;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvor.aof.AofLayout;
import dev.salvor.fixtures.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Stream;

/** Where an AOF repair goes: a directory a repair could have written, the quarantined bytes, a --until cut that cannot be made. */
class RepairOutputsTest {
    private static final Path MULTIPART = Fixtures.resolve("aof/redis-7.0/aof-multipart/appendonlydir");

    @TempDir
    Path tmp;

    /** A copy of the multi-part fixture with {@code n} bytes of its second incremental file overwritten at {@code at}. */
    private Path damagedCopy(long at, int n) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("damaged"));
        try (Stream<Path> files = Files.list(MULTIPART)) {
            for (Path p : files.toList()) Files.copy(p, dir.resolve(p.getFileName()));
        }
        Path incr = dir.resolve("appendonly.aof.3.incr.aof");
        byte[] b = Files.readAllBytes(incr);
        Arrays.fill(b, (int) at, (int) at + n, (byte) '?');
        Files.write(incr, b);
        return dir;
    }

    @Test
    void aRepairedDirectoryIsOneARepairCouldHaveWrittenAndNothingElseIs() throws Exception {
        AofLayout layout = AofLayout.of(MULTIPART);
        Path out = Files.createDirectories(tmp.resolve("repaired"));
        AofRepairReport r = new AofRepairer(layout, RepairOutputs.directory(out), false, -1, Set.of()).run();
        RepairOutputs.manifest(layout, out);
        assertThat(r.clean()).isTrue();
        for (String name : new String[] {"appendonly.aof.2.base.aof", "appendonly.aof.2.incr.aof", "appendonly.aof.3.incr.aof", "appendonly.aof.manifest"}) {
            assertThat(out.resolve(name)).hasSameBinaryContentAs(MULTIPART.resolve(name));
        }
        assertThat(RepairOutputs.notRepairedDirectory(out)).isNull();

        Files.writeString(out.resolve("notes.txt"), "mine");
        assertThat(RepairOutputs.notRepairedDirectory(out)).isEqualTo("it holds notes.txt, which its manifest does not list");
        Files.delete(out.resolve("notes.txt"));
        Files.copy(out.resolve("appendonly.aof.manifest"), out.resolve("second.manifest"));
        assertThat(RepairOutputs.notRepairedDirectory(out)).isEqualTo("it holds several manifests");
        assertThat(RepairOutputs.notRepairedDirectory(Files.createDirectories(tmp.resolve("empty")))).isEqualTo("it holds no manifest");
    }

    @Test
    void theQuarantineHoldsTheDamagedBytesAsTheyAreInTheFile() throws Exception {
        Path dir = damagedCopy(40, 12);
        AofLayout layout = AofLayout.of(dir);
        AofRepairReport r = new AofRepairer(layout, RepairOutputs.stream(new ByteArrayOutputStream()), false, -1, Set.of()).run();
        assertThat(r.regions()).isNotEmpty();
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        for (AofRegion g : r.regions()) {
            byte[] file = Files.readAllBytes(dir.resolve(g.segment()));
            expected.write(file, (int) g.start(), (int) (g.end() - g.start()));
        }
        ByteArrayOutputStream q = new ByteArrayOutputStream();
        RepairOutputs.quarantine(layout, r, q);
        assertThat(q.toByteArray()).isEqualTo(expected.toByteArray()).contains((byte) '?');
    }

    @Test
    void aCutThatCannotBeMadeIsRefused() throws Exception {
        Path plain = Fixtures.resolve("aof/redis-7.0/aof-plain/appendonlydir");
        AofRepairReport none = new AofRepairer(AofLayout.of(plain), null, false, System.currentTimeMillis(), Set.of()).run();
        assertThat(none.untilRefusal()).startsWith("the AOF holds no #TS: annotation, so there is no time to cut at");
        // The multi-part fixture's base starts with its one annotation: a cut before it keeps nothing.
        AofRepairReport early = new AofRepairer(AofLayout.of(MULTIPART), null, false, 1, Set.of()).run();
        assertThat(early.untilRefusal()).startsWith("the cut falls at the #TS: annotation of ")
                .endsWith("and nothing before it would be kept (it is the first annotation: the AOF holds nothing as early as that)");
        assertThat(new AofRepairer(AofLayout.of(MULTIPART), null, false, System.currentTimeMillis(), Set.of()).run().untilRefusal()).isNull();
        assertThat(new AofRepairer(AofLayout.of(plain), null, false, -1, Set.of()).run().untilRefusal()).isNull();
    }
}
