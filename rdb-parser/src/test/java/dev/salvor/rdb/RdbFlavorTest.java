package dev.salvor.rdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Type and opcode numbers that Redis and Valkey gave different meanings (22, 243) resolve by
 * magic and version. Built byte by byte: no server writes these layouts on this machine.
 */
class RdbFlavorTest {
    static final class Rdb {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Rdb(String magic) {
            raw(magic.getBytes(StandardCharsets.US_ASCII));
            u8(0xfe);
            u8(0);
        }

        Rdb raw(byte[] b) {
            out.writeBytes(b);
            return this;
        }

        Rdb u8(int v) {
            out.write(v);
            return this;
        }

        Rdb len(long v) {
            if (v < 64) return u8((int) v);
            if (v <= 0xffffffffL) {
                u8(0x80);
                for (int i = 3; i >= 0; i--) u8((int) (v >> (8 * i)));
                return this;
            }
            u8(0x81);
            for (int i = 7; i >= 0; i--) u8((int) (v >> (8 * i)));
            return this;
        }

        Rdb str(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            len(b.length);
            return raw(b);
        }

        Rdb le64(long v) {
            for (int i = 0; i < 8; i++) u8((int) (v >> (8 * i)));
            return this;
        }

        byte[] finish(boolean goodCrc) {
            u8(0xff);
            byte[] body = out.toByteArray();
            long crc = Crc64.of(body, 0, body.length);
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            all.writeBytes(body);
            long c = goodCrc ? crc : crc ^ 1;
            for (int i = 0; i < 8; i++) all.write((int) (c >> (8 * i)));
            return all.toByteArray();
        }
    }

    static List<String> read(byte[] file) throws IOException {
        List<String> out = new ArrayList<>();
        try (RdbReader r = RdbReader.of(new java.io.ByteArrayInputStream(file), "synthetic", file.length)) {
            RdbToken t;
            while ((t = r.next()) != RdbToken.END) {
                switch (t) {
                    case KEY -> out.add("key " + new String(r.key()) + " " + r.encoding());
                    case ELEMENT -> out.add(r.elementKind() == ElementKind.HASH_ENTRY
                            ? r.item() + "=" + r.hashValue() + "@" + r.fieldExpireAtMs() : r.item().toString());
                    case SLOT_IMPORT, SLOT_INFO -> out.add(t.name());
                    case EOF -> out.add("eof " + r.checksumStatus());
                    default -> {
                    }
                }
            }
        }
        return out;
    }

    @Test
    void type22IsHashMetadataPreGaInRedisAndHash2InValkey() throws IOException {
        byte[] redis = new Rdb("REDIS0012").u8(22).str("h").len(2).len(0).str("f1").str("v1").len(1893456000000L).str("f2").str("v2").finish(true);
        assertThat(read(redis)).containsExactly("key h HASH_METADATA_PRE_GA", "f1=v1@-1", "f2=v2@1893456000000", "eof OK");
        byte[] valkey = new Rdb("VALKEY080").u8(22).str("h").len(2).str("f1").str("v1").le64(-1).str("f2").str("v2").le64(1893456000000L).finish(true);
        assertThat(read(valkey)).containsExactly("key h HASH_2", "f1=v1@-1", "f2=v2@1893456000000", "eof OK");
    }

    @Test
    void opcode243IsKeyMetadataInRedisAndSlotImportInValkey() throws IOException {
        // Redis 8.6+: metadata before the key: class count, 4-byte class spec, module values, EOF.
        byte[] redis = new Rdb("REDIS0013").u8(243).len(1).raw(new byte[] {1, 2, 3, 4}).len(2).len(7).len(0)
                .u8(0).str("k").str("v").finish(true);
        assertThat(read(redis)).containsExactly("key k STRING", "v", "eof OK");
        byte[] valkey = new Rdb("VALKEY080").u8(243).str("job-1").len(1).len(0).len(5460).u8(0).str("k").str("v").finish(true);
        assertThat(read(valkey)).containsExactly("SLOT_IMPORT", "key k STRING", "v", "eof OK");
    }

    @Test
    void listpackExPreGaHoldsFieldValueTtlTriplets() throws IOException {
        // Fields with a TTL come first (the server refuses one after a field without).
        byte[] lp = DecodersTest.listpack("b", "2", 1893456000000L, "a", "1", 0L);
        byte[] file = new Rdb("REDIS0012").u8(23).str("h").len(lp.length).raw(lp).finish(true);
        assertThat(read(file)).containsExactly("key h HASH_LISTPACK_EX_PRE_GA", "b=2@1893456000000", "a=1@-1", "eof OK");
        // The release type adds the minimum expiry before the listpack.
        byte[] ga = new Rdb("REDIS0012").u8(25).str("h").le64(1893456000000L).len(lp.length).raw(lp).finish(true);
        assertThat(read(ga)).containsExactly("key h HASH_LISTPACK_EX", "b=2@1893456000000", "a=1@-1", "eof OK");
    }

    @Test
    void hashFieldTtlsRelativeToMinExpire() throws IOException {
        long min = 1893456000000L;
        byte[] file = new Rdb("REDIS0012").u8(24).str("h").le64(min).len(2).len(0).str("a").str("1").len(11).str("b").str("2").finish(true);
        assertThat(read(file)).containsExactly("key h HASH_METADATA", "a=1@-1", "b=2@" + (min + 10), "eof OK");
    }

    @Test
    void slotInfoChecksumsAndUnknownTypes() throws IOException {
        assertThat(read(new Rdb("REDIS0012").u8(244).len(5).len(1).len(0).u8(0).str("k").str("v").finish(true)))
                .containsExactly("SLOT_INFO", "key k STRING", "v", "eof OK");
        assertThat(read(new Rdb("REDIS0011").u8(0).str("k").str("v").finish(false))).last().isEqualTo("eof MISMATCH");
        byte[] disabled = new Rdb("REDIS0011").u8(0).str("k").str("v").finish(true);
        java.util.Arrays.fill(disabled, disabled.length - 8, disabled.length, (byte) 0);
        assertThat(read(disabled)).last().isEqualTo("eof DISABLED");
        Rdb v4 = new Rdb("REDIS0004").u8(0).str("k").str("v").u8(0xff);
        assertThat(read(v4.out.toByteArray())).last().isEqualTo("eof ABSENT");
        // 40: no producer numbers a value type so (30 became Redis 8.10's template hash).
        byte[] unknown = new Rdb("REDIS0011").u8(40).str("k").finish(true);
        assertThatThrownBy(() -> read(unknown)).isInstanceOf(RdbFormatException.class)
                .satisfies(e -> assertThat(((RdbFormatException) e).reason()).isEqualTo(RdbFormatException.Reason.UNKNOWN_TYPE))
                .satisfies(e -> assertThat(((RdbFormatException) e).offset()).isEqualTo(11));
        assertThatThrownBy(() -> read(new Rdb("VALKEY080").u8(23).str("k").finish(true))).isInstanceOf(RdbFormatException.class)
                .satisfies(e -> assertThat(((RdbFormatException) e).reason()).isEqualTo(RdbFormatException.Reason.UNKNOWN_TYPE));
        // In Valkey 9.2's RDB 81, 23 is its PATH_HASH, whose layout is not published: a located refusal naming it.
        assertThatThrownBy(() -> read(new Rdb("VALKEY081").u8(23).str("k").finish(true))).isInstanceOf(RdbFormatException.class)
                .satisfies(e -> assertThat(((RdbFormatException) e).reason()).isEqualTo(RdbFormatException.Reason.UNSUPPORTED))
                .satisfies(e -> assertThat(((RdbFormatException) e).offset()).isEqualTo(11))
                .hasMessageContaining("value type 23 (Valkey 9.2's PATH_HASH) has no published layout to read");
    }
}
