package dev.salvor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvor.fixtures.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Output does not depend on the default locale: under Turkish rules "I".toLowerCase() is a dotless
 * "ı", which turned "REDIS" into "redıs" and "MISMATCH" into "mısmatch" in JSON.
 */
class TurkishLocaleTest {
    private static final Path RDB74 = Fixtures.resolve("rdb/redis-7.4/dataset.rdb");
    private static final Path RDB70 = Fixtures.resolve("rdb/redis-7.0/dataset.rdb");
    private static final Path DEMO = Path.of("..", "fixtures", "demo", "damaged.rdb");

    @TempDir
    Path tmp;

    private List<String> outputs() {
        List<String> out = new ArrayList<>();
        out.add(CliRunner.run("inspect", RDB74.toString(), "--json").out());
        out.add(CliRunner.run("inspect", DEMO.toString()).out());
        out.add(CliRunner.run("check", DEMO.toString(), "--json").out());
        out.add(CliRunner.run("export", RDB74.toString(), "--type", "STREAM", "--format", "json").out());
        // diff --json without its summary line (which carries timings)
        out.add(CliRunner.run("diff", RDB70.toString(), RDB74.toString(), "--json").out().lines().skip(1).reduce("", (a, b) -> a + b + "\n"));
        out.add(CliRunner.run("salvage", DEMO.toString(), "-o", tmp.resolve(Locale.getDefault().toLanguageTag() + "/s.rdb").toString(), "--json").out()
                .replaceAll("\"(repaired|report)_file\" : \"[^\"]*\"", ""));
        return out;
    }

    @Test
    void jsonAndTextAreTheSameUnderATurkishDefaultLocale() {
        assertThat("REDIS".toLowerCase(Locale.forLanguageTag("tr-TR"))).isNotEqualTo("redis"); // the hazard is real
        Locale saved = Locale.getDefault();
        List<String> root, turkish;
        try {
            Locale.setDefault(Locale.ROOT);
            root = outputs();
            Locale.setDefault(Locale.forLanguageTag("tr-TR"));
            turkish = outputs();
        } finally {
            Locale.setDefault(saved);
        }
        assertThat(root.get(0)).contains("\"flavor\" : \"redis\"");
        assertThat(root.get(3)).contains("\"type\":\"stream\"");
        // JSON is the same byte for byte; text may group digits the Turkish way, but no word changes.
        for (int i = 0; i < root.size(); i++) {
            if (i == 1) assertThat(turkish.get(i)).doesNotContain("\u0131").contains("redis").contains("checksum:");
            else assertThat(turkish.get(i)).as("output %d", i).isEqualTo(root.get(i));
        }
    }

    @Test
    void noCaseConversionInMainCodeDependsOnTheDefaultLocale() throws Exception {
        java.util.List<String> offenders = new ArrayList<>();
        try (var files = java.nio.file.Files.walk(Path.of(".."))) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java") && p.toString().contains("/src/main/java/"))::iterator) {
                String src = java.nio.file.Files.readString(f);
                if (src.contains(".toLowerCase()") || src.contains(".toUpperCase()")) offenders.add(f.toString());
            }
        }
        assertThat(offenders).as("use toLowerCase(Locale.ROOT) / toUpperCase(Locale.ROOT)").isEmpty();
    }
}
