package dev.salvor.rdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.salvor.fixtures.RdbBuilder;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Dragonfly's own value types, as its loader reads them (dragonfly src/server/rdb_load.cc
 * ReadHMap/CreateHMap, ReadSet/CreateSet; rdb_save.cc SaveHSetObject/SaveSetObject;
 * rdb_extensions.h): a hash (31) or set (32) whose members may carry an expiry, written after
 * each member as an RDB string of decimal seconds since 2023-02-01 (common.h kMemberExpiryBase),
 * -1 for none. Dragonfly's own test files are files of Redis servers it loads, none written by
 * Dragonfly, so the files here are built byte by byte in its layout: magic REDIS0009, AUX
 * redis-ver 6.2.11 and df-ver (RdbSaver::SaveHeader, SaveAux).
 */
class DragonflyTest {
    static final long BASE_MS = 1675209600L * 1000;

    static RdbBuilder dragonfly() {
        return new RdbBuilder("REDIS0009").aux("redis-ver", "6.2.11").aux("df-ver", "v1.34.2").aux("redis-bits", "64");
    }

    @Test
    void hashAndSetMembersWithTheirExpiries() throws IOException {
        byte[] file = dragonfly().selectDb(0, 2, 0)
                .key(31, "h").len(2).str("f1").str("v1").str("1000").str("f2").str("v2").str("-1")
                .key(32, "s").len(3).str("a").str("-1").str("b").u8(0xc1).u8(0x10).u8(0x27).str("c").str("5")
                .finish();
        List<String> seen = new ArrayList<>();
        try (RdbReader r = RdbReader.of(new ByteArrayInputStream(file), "synthetic", file.length)) {
            RdbToken t;
            while ((t = r.next()) != RdbToken.END) {
                switch (t) {
                    case KEY -> seen.add("key " + new String(r.key()) + " " + r.type().wireName() + " " + r.encoding().label());
                    case ELEMENT -> seen.add(r.elementKind() == ElementKind.HASH_ENTRY ? r.item() + "=" + r.hashValue() + "@" + r.fieldExpireAtMs() : r.item().toString());
                    case KEY_END -> {
                        for (MemberExpiry m : r.memberExpiries()) seen.add("expiry " + new String(m.member(), StandardCharsets.UTF_8) + "@" + m.expireAtMs());
                    }
                    case EOF -> seen.add("eof " + r.checksumStatus() + " " + r.producer().label());
                    default -> {
                    }
                }
            }
        }
        assertThat(seen).containsExactly("key h hash dragonfly-hash-ttl", "f1=v1@" + (BASE_MS + 1_000_000), "f2=v2@-1",
                "key s set dragonfly-set-ttl", "a", "b", "c", "expiry b@" + (BASE_MS + 10_000_000), "expiry c@" + (BASE_MS + 5000),
                "eof OK Dragonfly v1.34.2");
    }

    @Test
    void anExpiryThatIsNotANumberIsALocatedError() {
        RdbBuilder b = dragonfly().selectDb(0, 1, 0).key(31, "h").len(1).str("f").str("v");
        int at = b.offset();
        byte[] file = b.str("soon").finish();
        RdbFormatException e = catchThrowableOfType(() -> {
            try (RdbReader r = RdbReader.of(new ByteArrayInputStream(file), "synthetic", file.length)) {
                while (r.next() != RdbToken.END) {
                }
            }
        }, RdbFormatException.class);
        assertThat(e.offset()).isEqualTo(at);
        assertThat(e.getMessage()).contains("hash field expiry \"soon\" is not a number");
    }

    @Test
    void keyFlagsAndReplicationRecords() throws IOException {
        // DF_MASK (220): 4-byte flags, bit 1 adds 4 bytes of memcached flags; 200 and 211: 8 bytes each.
        RdbBuilder b = dragonfly().selectDb(0, 2, 0);
        int first = b.offset();
        b.u8(220).le32(3).le32(42).stringKey("mc", "v");
        b.u8(211).le64(12345).u8(200).le64(0);
        int second = b.offset();
        byte[] file = b.u8(220).le32(1).stringKey("sticky", "w").finish();
        List<String> seen = new ArrayList<>();
        try (RdbReader r = RdbReader.of(new ByteArrayInputStream(file), "synthetic", file.length)) {
            RdbToken t;
            while ((t = r.next()) != RdbToken.END) {
                if (t == RdbToken.KEY) {
                    seen.add(new String(r.key()) + " mask " + r.dragonflyMask() + " mc " + r.memcachedFlags() + " @" + r.recordOffset());
                    r.skipValue();
                }
                if (t == RdbToken.EOF) seen.add("eof " + r.dragonflyRecords());
            }
        }
        assertThat(seen).containsExactly("mc mask 3 mc 42 @" + first, "sticky mask 1 mc 0 @" + second, "eof 2");
    }

    @Test
    void withoutADecompressorACompressedBlobIsALocatedRefusal() {
        // The parser carries no compression library; salvor-recovery provides the decompressor
        // (tests there read blobs). The blob is framed before it is refused, so salvage reads on after it.
        RdbBuilder b = dragonfly().selectDb(0, 1, 0);
        int at = b.offset();
        byte[] file = b.u8(202).str("not read").finish();
        RdbFormatException e = catchThrowableOfType(() -> {
            try (RdbReader r = RdbReader.of(new ByteArrayInputStream(file), "synthetic", file.length)) {
                while (r.next() != RdbToken.END) {
                }
            }
        }, RdbFormatException.class);
        assertThat(e.reason()).isEqualTo(RdbFormatException.Reason.UNSUPPORTED);
        assertThat(e.offset()).isEqualTo(at);
        assertThat(e.getMessage()).contains("Dragonfly LZ4 compressed blob (frame of 8 bytes): no LZ4 decompressor on the class path");
    }

    @Test
    void theBlobEndOpcodeOutsideABlobIsAnUnknownRecord() {
        RdbBuilder b = dragonfly().selectDb(0, 1, 0);
        int at = b.offset();
        byte[] file = b.u8(203).stringKey("k", "v").finish();
        RdbFormatException e = catchThrowableOfType(() -> {
            try (RdbReader r = RdbReader.of(new ByteArrayInputStream(file), "synthetic", file.length)) {
                while (r.next() != RdbToken.END) {
                }
            }
        }, RdbFormatException.class);
        assertThat(e.reason()).isEqualTo(RdbFormatException.Reason.UNKNOWN_TYPE);
        assertThat(e.offset()).isEqualTo(at);
    }

    /**
     * Dragonfly's JSON: one RDB string of JSON text (rdb_load.cc ReadObj, ReadGeneric for
     * RDB_TYPE_JSON 30, and for 20 below RDB 10), read as the RedisJSON value of encoding version 3
     * it is in all but its type byte (RedisJSON saves version 3 as one string of JSON text).
     */
    @Test
    void jsonIsARedisJsonValueOfEncodingVersion3() throws IOException {
        byte[] file = dragonfly().selectDb(0, 2, 0).key(30, "doc").str("{\"a\":[1,2]}").key(20, "old").str("[true]").finish();
        List<String> seen = new ArrayList<>();
        try (RdbReader r = RdbReader.of(new ByteArrayInputStream(file), "synthetic", file.length)) {
            RdbToken t;
            while ((t = r.next()) != RdbToken.END) {
                if (t != RdbToken.ELEMENT) continue;
                ModuleValue m = r.moduleValue();
                seen.add(new String(r.key()) + " " + r.encoding().label() + " " + m.moduleName() + "/" + m.encodingVersion() + " " + m.ofModule() + " "
                        + m.items().get(0).kind() + " " + new String(m.items().get(0).string(), StandardCharsets.UTF_8));
            }
        }
        assertThat(seen).containsExactly("doc dragonfly-json ReJSON-RL/3 true STRING {\"a\":[1,2]}", "old dragonfly-json ReJSON-RL/3 true STRING [true]");
        // In a Redis file 20 stays a set listpack, 30 Redis 8.10's template hash.
        assertThat(RdbEncoding.of(20, RdbFlavor.REDIS)).isEqualTo(RdbEncoding.SET_LISTPACK);
        assertThat(RdbEncoding.of(30, RdbFlavor.REDIS)).isEqualTo(RdbEncoding.HASH_TMPL_LP_REF);
    }

    /** The five probabilistic types, each built field by field in the order rdb_load.cc reads it. */
    static RdbBuilder sketches(RdbBuilder b) {
        byte[] filter = new byte[16]; // 128 bits: a power of two (ReadSBFImpl append_filter)
        filter[3] = 0x11;
        // 33 SBF: options 0, growth factor, error rate (binary doubles), prev/current size, capacity,
        // filter count, then per filter its hash count and the filter as a string.
        b.key(33, "bf").len(0).binaryDouble(2.0).binaryDouble(0.01).len(0).len(3).len(100).len(1).len(7).str(filter);
        // 34 SBF2: the same, each filter as its total size then chunks of a length and bytes.
        b.key(34, "bf2").len(0).binaryDouble(2.0).binaryDouble(0.01).len(0).len(3).len(100).len(1).len(7)
                .len(16).len(10).raw(java.util.Arrays.copyOfRange(filter, 0, 10)).len(6).raw(java.util.Arrays.copyOfRange(filter, 10, 16));
        // 35 CMS: width, depth, total count, width x depth 8-byte little-endian counters.
        b.key(35, "cms").len(2).len(2).len(9).le64(1).le64(2).le64(3).le64(3);
        // 36 TOPK: options 0, k, width, depth, decay (binary double), heap size, heap items
        // (string, count), counters (string of width x depth x 4 bytes).
        b.key(36, "topk").len(0).len(2).len(2).len(1).binaryDouble(0.9).len(1).str("hot").len(5).str(new byte[8]);
        // 37 cuckoo: slots per bucket, max iterations, expansion, buckets (a power of two), items,
        // deletes, filter count, then per filter its size (a multiple of the slots) in chunks.
        b.key(37, "cf").len(4).len(20).len(1).len(2).len(1).len(0).len(1).len(8).len(8).raw(new byte[] {1, 0, 0, 0, 0, 0, 0, 0});
        return b;
    }

    @Test
    void probabilisticTypesAreReadByTheirLayout() throws IOException {
        byte[] file = sketches(dragonfly().selectDb(0, 5, 0)).finish();
        List<String> seen = new ArrayList<>();
        try (RdbReader r = RdbReader.of(new ByteArrayInputStream(file), "synthetic", file.length)) {
            RdbToken t;
            while ((t = r.next()) != RdbToken.END) {
                if (t != RdbToken.ELEMENT) continue;
                ModuleValue m = r.moduleValue();
                StringBuilder sb = new StringBuilder(new String(r.key()) + " " + m.dragonflyType() + " " + m.ofModule() + ":");
                for (int i = 0; i < m.items().size(); i++) {
                    ModuleValue.Item it = m.items().get(i);
                    sb.append(' ').append(m.names().get(i)).append('=');
                    switch (it.kind()) {
                        case DOUBLE -> sb.append(Double.longBitsToDouble(it.bits()));
                        case STRING -> sb.append(it.string().length).append('B');
                        default -> sb.append(it.bits());
                    }
                }
                seen.add(sb.toString());
            }
        }
        assertThat(seen).containsExactly(
                "bf bloom false: grow_factor=2.0 fp_prob=0.01 prev_size=0 current_size=3 max_capacity=100 hash_count=7 filter=16B",
                "bf2 bloom false: grow_factor=2.0 fp_prob=0.01 prev_size=0 current_size=3 max_capacity=100 hash_count=7 filter=16B",
                "cms count-min false: width=2 depth=2 total_count=9 counters=32B",
                "topk topk false: k=2 width=2 depth=1 decay=0.9 item=3B count=5 counters=8B",
                "cf cuckoo false: slots_per_bucket=4 max_iterations=20 expansion=1 num_buckets=2 num_items=1 num_deletes=0 filter=8B");
        // Framing alone reads the same bytes.
        try (RdbReader r = RdbReader.of(new ByteArrayInputStream(file), "synthetic", file.length)) {
            RdbToken t;
            int keys = 0;
            while ((t = r.next()) != RdbToken.END) {
                if (t == RdbToken.KEY) {
                    keys++;
                    r.skipValue(RdbReader.Skip.FRAMING);
                }
            }
            assertThat(keys).isEqualTo(5);
        }
    }

    @Test
    void whatDragonflysLoaderRefusesIsALocatedError() {
        // A count-min sketch of width 0 (ReadCMS: "Invalid CMS parameters").
        RdbBuilder b = dragonfly().selectDb(0, 1, 0).key(35, "cms");
        int at = b.offset();
        byte[] file = b.len(0).len(2).len(0).finish();
        RdbFormatException e = catchThrowableOfType(() -> {
            try (RdbReader r = RdbReader.of(new ByteArrayInputStream(file), "synthetic", file.length)) {
                while (r.next() != RdbToken.END) {
                }
            }
        }, RdbFormatException.class);
        assertThat(e.offset()).isEqualTo(at);
        assertThat(e.getMessage()).contains("Dragonfly count-min: width 0 and depth 2 are not in 1 to 2^32-1");
    }

    @Test
    void types31And32AreTemplateHashesToRedis() throws IOException {
        // The same bytes under Redis's numbering: 31 is a template hash, never a Dragonfly hash.
        byte[] file = new RdbBuilder("REDIS0009").aux("redis-ver", "6.2.11").selectDb(0, 1, 0)
                .key(31, "h").len(1).str("f1").str("v1").str("-1").finish();
        RdbFormatException e = catchThrowableOfType(() -> {
            try (RdbReader r = RdbReader.of(new ByteArrayInputStream(file), "synthetic", file.length)) {
                while (r.next() != RdbToken.END) {
                }
            }
        }, RdbFormatException.class);
        assertThat(e).isNotNull();
        assertThat(e.getMessage()).doesNotContain("dragonfly");
    }
}
