package dev.salvor.rdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.salvor.fixtures.Fixtures;
import dev.salvor.fixtures.RdbBuilder;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The producer and its version are decided from the magic, the RDB version and the header's AUX
 * fields before the first key, so a byte that means different things to different producers is
 * read by the right numbering; a version Salvor does not know is one located error; an assumption
 * stands in for a damaged header.
 */
class ProducerDetectionTest {
    @AfterEach
    void noAssumption() {
        ProducerAssumption.overrideDefaults(null);
    }

    /** Reads to the first key (or the end) and returns the reader's decision then. */
    private static Producer producerOf(byte[] file) throws IOException {
        try (RdbReader r = RdbReader.of(new ByteArrayInputStream(file), "synthetic", file.length)) {
            RdbToken t;
            while ((t = r.next()) != RdbToken.END && t != RdbToken.KEY) {
                assertThat(r.producer()).isNotNull();
            }
            return r.producer();
        }
    }

    private static RdbFlavor flavorAtFirstKey(byte[] file) throws IOException {
        try (RdbReader r = RdbReader.of(new ByteArrayInputStream(file), "synthetic", file.length)) {
            while (r.next() != RdbToken.KEY) {
                // up to the first key
            }
            return r.flavor();
        }
    }

    @ParameterizedTest(name = "{0} + {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
            "REDIS0015|                       |Redis 8.10|magic",
            "REDIS0014|                       |Redis 8.8|magic",
            "REDIS0013|                       |Redis 8.6|magic",
            "REDIS0012|                       |Redis 7.4-8.4|magic",
            "REDIS0012|redis-ver=7.4.1        |Redis 7.4.1|magic",
            "VALKEY080|                       |Valkey 9.0|magic",
            "VALKEY081|valkey-ver=9.2.0       |Valkey 9.2.0|magic",
            "REDIS0011|redis-ver=7.2.4,valkey-ver=8.0.1|Valkey 8.0.1|aux valkey-ver",
            "REDIS0011|valkey-ver=8.1.0,redis-ver=7.2.4|Valkey 8.1.0|aux valkey-ver",
            "REDIS0011|redis-ver=6.2.11,df-ver=v1.27.1|Dragonfly v1.27.1|aux df-ver",
            "REDIS0011|df-ver=v1.27.1,valkey-ver=8.0.0|Dragonfly v1.27.1|aux df-ver",
            "REDIS0009|redis-ver=6.3.4        |KeyDB 6.3.4|aux redis-ver 6.3",
            "REDIS0009|redis-ver=6.2.6,mvcc-tstamp=1700000000000|KeyDB 6.2.6|aux mvcc-tstamp",
            "REDIS0009|redis-ver=6.2.6        |Redis 6.2.6|magic",
            "REDIS0006|                       |Redis 2.8-3.0|magic",
    })
    void decidedFromMagicVersionAndAux(String magic, String aux, String label, String decidedBy) throws IOException {
        RdbBuilder b = new RdbBuilder(magic);
        if (aux != null) {
            for (String kv : aux.split(",")) {
                String[] p = kv.split("=", 2);
                b.aux(p[0], p[1]);
            }
        }
        Producer p = producerOf(b.selectDb(0, 1, 0).stringKey("k", "v").finish());
        assertThat(p.label()).isEqualTo(label);
        assertThat(p.decidedBy()).isEqualTo(decidedBy);
    }

    @Test
    void realServersFilesNameTheirWriter() throws IOException {
        assertThat(producerOf(java.nio.file.Files.readAllBytes(Fixtures.resolve("rdb/redis-7.4/dataset.rdb"))).label()).isEqualTo("Redis 7.4.1");
        assertThat(producerOf(java.nio.file.Files.readAllBytes(Fixtures.resolve("rdb/redis-2.8/dataset.rdb"))).label()).isEqualTo("Redis 2.8-3.0");
        Producer valkey = producerOf(java.nio.file.Files.readAllBytes(Fixtures.resolve("rdb/valkey-8.0/dataset.rdb")));
        assertThat(valkey.kind()).isEqualTo(RdbProducer.VALKEY);
        assertThat(valkey.version()).startsWith("8.0.");
        // Valkey 8 writes Redis's RDB 11: its numbering is Redis's.
        assertThat(flavorAtFirstKey(java.nio.file.Files.readAllBytes(Fixtures.resolve("rdb/valkey-8.0/dataset.rdb")))).isEqualTo(RdbFlavor.REDIS);
    }

    @Test
    void theNumberingIsSettledBeforeTheFirstCollidingByte() throws IOException {
        // Type 30: Redis 8.10's template hash by reference, Dragonfly's JSON. A Dragonfly file that
        // says so in its header is not read as a Redis hash.
        byte[] dragonfly = new RdbBuilder("REDIS0012").aux("redis-ver", "7.4.0").aux("df-ver", "v1.27.1").selectDb(0, 1, 0)
                .key(30, "doc").str("{}").finish();
        assertThat(flavorAtFirstKey(new RdbBuilder("REDIS0012").aux("df-ver", "v1.27.1").selectDb(0, 1, 0).stringKey("k", "v").finish()))
                .isEqualTo(RdbFlavor.DRAGONFLY);
        try (RdbReader r = RdbReader.of(new ByteArrayInputStream(dragonfly), "synthetic", dragonfly.length)) {
            while (r.next() != RdbToken.KEY) {
            }
            assertThat(r.encoding()).isEqualTo(RdbEncoding.DF_JSON);
        }
        // Opcode 243 in a VALKEY file is a slot import, in a REDIS0013 file key metadata.
        assertThat(flavorAtFirstKey(new RdbBuilder("VALKEY080").selectDb(0, 1, 0).stringKey("k", "v").finish())).isEqualTo(RdbFlavor.VALKEY);
        assertThat(flavorAtFirstKey(new RdbBuilder("REDIS0013").selectDb(0, 1, 0).stringKey("k", "v").finish())).isEqualTo(RdbFlavor.REDIS);
    }

    private static void producerOfAll(byte[] file) throws IOException {
        try (RdbReader r = RdbReader.of(new ByteArrayInputStream(file), "synthetic", file.length)) {
            while (r.next() != RdbToken.END) {
                // to the end
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"REDIS0016,5", "REDIS0079,5", "VALKEY082,6", "REDIS0082,5", "VALKEY012,6"})
    void unknownVersionsAreOneLocatedError(String magic, int digitsAt) {
        byte[] file = new RdbBuilder(magic).selectDb(0, 1, 0).stringKey("k", "v").finish();
        RdbFormatException e = catchThrowableOfType(() -> producerOfAll(file), RdbFormatException.class);
        assertThat(e.reason()).isEqualTo(RdbFormatException.Reason.UNSUPPORTED);
        assertThat(e.offset()).isEqualTo(digitsAt);
        assertThat(e.getMessage()).doesNotContain("\n").contains(magic).contains("--assume-version");
    }

    @Test
    void anAssumedVersionReadsANewerFile() throws IOException {
        byte[] file = new RdbBuilder("REDIS0016").selectDb(0, 1, 0).stringKey("k", "v").finish();
        ProducerAssumption.overrideDefaults(new ProducerAssumption(null, 15));
        assertThat(producerOf(file).label()).isEqualTo("Redis 8.10");
        try (RdbReader r = RdbReader.of(new ByteArrayInputStream(file), "synthetic", file.length)) {
            RdbToken t;
            while ((t = r.next()) != RdbToken.EOF) {
                if (t == RdbToken.KEY) assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("k");
            }
            assertThat(r.version()).isEqualTo(15);
            assertThat(r.magic()).isEqualTo("REDIS0015");
            assertThat(r.checksumStatus()).isEqualTo(ChecksumStatus.OK);
        }
    }

    @Test
    void anAssumedProducerStandsInForADamagedHeader() throws IOException {
        byte[] file = new RdbBuilder("VALKEY081").selectDb(0, 1, 0).key(22, "h").len(1).str("f").str("v").le64(-1).finish();
        System.arraycopy("\0\0\0\0\0\0\0\0\0".getBytes(StandardCharsets.ISO_8859_1), 0, file, 0, 9);
        RdbFormatException bad = catchThrowableOfType(() -> producerOfAll(file), RdbFormatException.class);
        assertThat(bad.reason()).isEqualTo(RdbFormatException.Reason.BAD_HEADER);
        ProducerAssumption.overrideDefaults(new ProducerAssumption(RdbProducer.VALKEY, 0));
        try (RdbReader r = RdbReader.of(new ByteArrayInputStream(file), "synthetic", file.length)) {
            assertThat(r.next()).isEqualTo(RdbToken.HEADER);
            assertThat(r.producer().label()).isEqualTo("Valkey 9.2");
            assertThat(r.producer().decidedBy()).isEqualTo("assumed");
            assertThat(r.magic()).isEqualTo("VALKEY081");
            RdbToken t;
            while ((t = r.next()) != RdbToken.KEY) assertThat(t).isNotEqualTo(RdbToken.END);
            // Type 22 read as Valkey's hash with per-field expiry, as the assumed producer numbers it.
            assertThat(r.encoding()).isEqualTo(RdbEncoding.HASH_2);
            assertThat(r.next()).isEqualTo(RdbToken.ELEMENT);
            assertThat(r.item().toString() + "=" + r.hashValue()).isEqualTo("f=v");
        }
    }

    @Test
    void theBuildersChecksumIsRedisCrc64() {
        // Redis's crc64.c self-test value for "123456789".
        assertThat(RdbBuilder.crc64("123456789".getBytes(StandardCharsets.US_ASCII))).isEqualTo(0xe9c6d914c4b8d9caL);
        byte[] b = "some bytes".getBytes(StandardCharsets.US_ASCII);
        assertThat(RdbBuilder.crc64(b)).isEqualTo(Crc64.of(b, 0, b.length));
    }

    @Test
    void identifyGivesTheReadersAnswer() throws IOException {
        Path p = Fixtures.resolve("rdb/valkey-8.0/dataset.rdb");
        java.util.List<java.util.Map.Entry<String, String>> aux = new java.util.ArrayList<>();
        Producer seen;
        try (RdbReader r = RdbReader.open(p)) {
            RdbToken t;
            while ((t = r.next()) != RdbToken.KEY) {
                if (t == RdbToken.AUX) aux.add(java.util.Map.entry(r.auxKey().toString(), r.auxValue().toString()));
            }
            seen = r.producer();
            assertThat(Producer.identify(r.magic(), r.version(), aux)).isEqualTo(seen);
        }
    }
}
