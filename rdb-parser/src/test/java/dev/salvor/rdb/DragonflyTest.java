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
