package dev.salvor.rdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.salvor.fixtures.RdbBuilder;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * Redis Enterprise's opcodes (librdb src/lib/defines.h and parser.c): RAM LRU (107) and slot
 * number (121) come among a key's prefixes, each followed by one length, and are read past as
 * librdb reads them; GCAS (101) and GFLAGS (102) have no published layout: a located error.
 */
class EnterpriseOpcodesTest {
    private static RdbReader reader(byte[] file) {
        return RdbReader.of(new ByteArrayInputStream(file), "enterprise.rdb", file.length);
    }

    @Test
    void ramLruAndSlotNumberAreFramedAmongAKeysPrefixes() throws IOException {
        RdbBuilder b = new RdbBuilder("REDIS0011").aux("redis-ver", "7.2.0").selectDb(0, 2, 1);
        int first = b.offset();
        byte[] file = b.expireMs(1_893_456_000_000L).u8(107).len(123_456).u8(121).len(9_999).stringKey("k", "v")
                .u8(121).len(5).stringKey("plain", "w").finish();
        try (RdbReader r = reader(file)) {
            RdbToken t;
            while ((t = r.next()) != RdbToken.KEY) assertThat(t).isNotEqualTo(RdbToken.END);
            assertThat(new String(r.key())).isEqualTo("k");
            assertThat(r.expireAtMs()).as("the expiry before the Enterprise prefixes stays the key's").isEqualTo(1_893_456_000_000L);
            assertThat(r.recordOffset()).as("the key's record begins at its first prefix").isEqualTo(first);
            assertThat(r.next()).isEqualTo(RdbToken.ELEMENT);
            assertThat(r.item().toString()).isEqualTo("v");
            while ((t = r.next()) != RdbToken.KEY) assertThat(t).isNotEqualTo(RdbToken.END);
            assertThat(new String(r.key())).isEqualTo("plain");
            assertThat(r.expireAtMs()).isEqualTo(-1);
            while ((t = r.next()) != RdbToken.END) assertThat(t).isNotNull();
        }
    }

    @Test
    void gcasAndGflagsAreALocatedError() {
        for (int op : new int[] {101, 102}) {
            RdbBuilder b = new RdbBuilder("REDIS0011").selectDb(0, 1, 0);
            int at = b.offset();
            byte[] file = b.u8(op).len(1).stringKey("k", "v").finish();
            RdbFormatException e = catchThrowableOfType(() -> {
                try (RdbReader r = reader(file)) {
                    while (r.next() != RdbToken.END) {
                        if (r.inValue()) r.skipValue();
                    }
                }
            }, RdbFormatException.class);
            assertThat(e).as("opcode " + op).isNotNull();
            assertThat(e.reason()).isEqualTo(RdbFormatException.Reason.UNKNOWN_TYPE);
            assertThat(e.offset()).isEqualTo(at);
            assertThat(e.getMessage()).contains("Redis Enterprise").contains(op == 101 ? "GCAS" : "GFLAGS");
        }
    }
}
