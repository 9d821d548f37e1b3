package dev.salvor.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvor.fixtures.Fixtures;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** AOF inspection counted against an independent reading of the files redis-server wrote. */
class AofInspectorTest {
    /** Commands by lower-case name, read with a minimal RESP reader of the test's own (no preamble in these files). */
    private static Map<String, Long> commandsIn(Path dir) throws IOException {
        Map<String, Long> byName = new TreeMap<>();
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".aof")).toList()) {
                byte[] b = Files.readAllBytes(f);
                int i = 0;
                while (i < b.length) {
                    if (b[i] == '#') { // an annotation line
                        while (b[i] != '\n') i++;
                        i++;
                        continue;
                    }
                    int eol = indexOf(b, i);
                    int argc = Integer.parseInt(new String(b, i + 1, eol - i - 1, StandardCharsets.US_ASCII));
                    i = eol + 2;
                    String name = null;
                    for (int a = 0; a < argc; a++) {
                        eol = indexOf(b, i);
                        int len = Integer.parseInt(new String(b, i + 1, eol - i - 1, StandardCharsets.US_ASCII));
                        if (a == 0) name = new String(b, eol + 2, len, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
                        i = eol + 2 + len + 2;
                    }
                    byName.merge(name, 1L, Long::sum);
                }
            }
        }
        return byName;
    }

    private static int indexOf(byte[] b, int from) {
        int i = from;
        while (b[i] != '\r') i++;
        return i;
    }

    @Test
    void countsEveryCommandByNameAndItsTransactions() throws IOException {
        Path dir = Fixtures.resolve("aof/redis-7.0/aof-multipart/appendonlydir");
        Map<String, Long> truth = commandsIn(dir);
        AofInspection in = AofInspector.inspect(dir, "the aof", null);
        assertThat(in.source()).isEqualTo("the aof");
        assertThat(in.multiPart()).isTrue();
        assertThat(in.clean()).isTrue();
        assertThat(in.commandsByName()).isEqualTo(truth);
        assertThat(in.commands()).isEqualTo(truth.values().stream().mapToLong(Long::longValue).sum());
        assertThat(in.transactions()).isEqualTo(truth.getOrDefault("multi", 0L));
        assertThat(in.segments()).extracting(AofInspection.Segment::kind).contains("base", "incr");
    }
}
