package dev.salvor.salvage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10.10: the first good key after a damaged region is read with the file's own version and
 * flavor. In a Valkey 9 file (VALKEY080) opcode 243 and type 22 mean other things than in Redis,
 * so reading the records after the damage as Redis RDB 9 names no key (or a wrong one).
 */
class FirstGoodKeyTest {
    @TempDir
    Path dir;

    @Test
    void firstGoodKeyOfAValkey9FileIsReadAsValkey() throws Exception {
        RdbBytes b = new RdbBytes("VALKEY080").aux("valkey-ver", "9.0.0").selectDb(0, 50, 30);
        int damageFrom = 0;
        for (int i = 0; i < 30; i++) {
            if (i == 25) damageFrom = b.offset();
            b.string("s:" + i, "value " + i, 1_900_000_000_000L + i);
        }
        int damageTo = b.offset();
        // Valkey's opcode 243 (a slot-import job: name, range count, ranges), which Redis reads as
        // key metadata: the record where reading resumes.
        b.u8(243).str("job-1").len(1).len(0).len(5460);
        for (int i = 0; i < 20; i++) {
            // Valkey's HASH_2: field count, then field, value and an 8-byte expiry (-1: none) each.
            b.u8(22).str("h:" + i).len(2).str("f1").str("v" + i).le64(-1).str("f2").str("w" + i).le64(1_900_000_000_000L);
        }
        byte[] bytes = b.finish();
        Arrays.fill(bytes, damageFrom, damageTo, (byte) 0xee);
        Path file = dir.resolve("valkey9.rdb");
        Files.write(file, bytes);

        SalvageReport report = RdbSalvager.salvage(file, SalvageVisitor.NONE, null);

        assertThat(report.regions()).hasSize(1);
        CorruptRegion region = report.regions().get(0);
        assertThat(region.end()).isEqualTo(damageTo);
        assertThat(new String(region.firstGoodKey(), StandardCharsets.UTF_8)).isEqualTo("h:0");
    }
}
