package dev.salvor.rdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.salvor.fixtures.Fixtures;
import dev.salvor.fixtures.RdbBuilder;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Redis Enterprise's own opcodes, as redis/librdb's parser reads them (parser.c __elementRamLru,
 * __elementSlotNum; defines.h): 107 (a key's RAM LRU) and 121 (a slot number), one length each,
 * ignored; 101 and 102 (GCAS, GFLAGS) have no published layout. The real file is librdb's test
 * dump written by Redis Enterprise (7.4.2, a 107 record before each key).
 */
class RedisEnterpriseTest {
    private static List<String> read(byte[] f) throws IOException {
        List<String> seen = new ArrayList<>();
        try (RdbReader r = RdbReader.of(new ByteArrayInputStream(f), "synthetic", f.length)) {
            RdbToken t;
            while ((t = r.next()) != RdbToken.END) {
                if (t == RdbToken.KEY) {
                    String k = new String(r.key());
                    long at = r.recordOffset();
                    r.next();
                    seen.add(k + "=" + r.item() + " @" + at);
                    r.skipValue();
                } else if (t == RdbToken.EOF) {
                    seen.add("eof " + r.checksumStatus() + " enterprise records " + r.enterpriseRecords());
                }
            }
        }
        return seen;
    }

    @Test
    void librdbsRedisEnterpriseDumpReadsToItsEnd() throws IOException {
        byte[] f = Files.readAllBytes(Fixtures.resolve("producers/redis-enterprise/redis_ent_opcode_ram_lru.rdb"));
        // Each key's record begins at its 107 record (0x6b and a length), a prefix of the key.
        assertThat(read(f)).containsExactly("a=b @" + 0x118, "e=f @" + 0x120, "c=d @" + 0x128, "eof OK enterprise records 3");
    }

    @Test
    void slotNumberAndRamLruAmongPrefixes() throws IOException {
        RdbBuilder b = new RdbBuilder("REDIS0012").aux("redis-ver", "7.4.2").selectDb(0, 1, 1);
        int prefix = b.offset();
        byte[] f = b.u8(121).len(5).expireMs(4102444800000L).u8(121).len(5).u8(107).len(70).stringKey("k", "v").finish();
        assertThat(read(f)).containsExactly("k=v @" + prefix, "eof OK enterprise records 3");
    }

    @Test
    void gcasAndGflagsAreALocatedRefusal() {
        RdbBuilder b = new RdbBuilder("REDIS0012").selectDb(0, 1, 0);
        int at = b.offset();
        byte[] f = b.u8(101).len(1).stringKey("k", "v").finish();
        RdbFormatException e = catchThrowableOfType(() -> read(f), RdbFormatException.class);
        assertThat(e.offset()).isEqualTo(at);
        assertThat(e.reason()).isEqualTo(RdbFormatException.Reason.UNKNOWN_TYPE);
        assertThat(e.getMessage()).contains("opcode 101 (Redis Enterprise GCAS) has no published layout");
    }
}
