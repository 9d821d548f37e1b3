package dev.salvor.rdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.salvor.fixtures.RedisServer;
import dev.salvor.fixtures.RestoreOracle;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * The footer of a DUMP payload (RDB version, CRC64) verified as the servers verify it: real
 * payloads of every type from every server pass and name their version; a zero or wrong checksum,
 * a version no server writes, and a type the claimed version does not have are refused, and the
 * server of the claimed version refuses the same payloads.
 */
class DumpFooterTest {
    static final List<String> SERVERS = RestoreOracle.SERVERS;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @FieldSource("SERVERS")
    void everyRealPayloadPassesAndSaysWhichVersionItClaims(String serverName) throws Exception {
        try (RestoreOracle oracle = RestoreOracle.start(serverName, dir)) {
            Map<String, byte[]> dumps = DumpFuzzOracleTest.generateTypes(oracle.server(), oracle.rdbVersion());
            assertThat(dumps).hasSizeGreaterThanOrEqualTo(14);
            for (Map.Entry<String, byte[]> d : dumps.entrySet()) {
                DumpFooter footer = DumpFooter.of(d.getValue(), d.getKey());
                assertThat(footer.version()).isEqualTo(oracle.rdbVersion());
                assertThat(DumpFooter.claim(footer.version())).as(d.getKey()).contains("RDB version " + oracle.rdbVersion() + " (Redis ");
                assertThat(CorruptDumpSamples.salvorRefuses(d.getValue())).as(d.getKey()).isNull();
            }
        }
    }

    @Test
    void aPayloadWithoutChecksumIsRefusedAsTheServerRefusesIt() throws Exception {
        try (RestoreOracle oracle = RestoreOracle.start("redis-7.0", dir)) {
            oracle.server().call("HSET", "h", "f", "v");
            byte[] p = (byte[]) oracle.server().call("DUMP", "h");
            for (int i = p.length - 8; i < p.length; i++) p[i] = 0;
            assertThatThrownBy(() -> DumpFooter.of(p, "zeroed")).isInstanceOf(RdbFormatException.class)
                    .hasMessageContaining("no CRC64").hasMessageContaining("RDB version 10 (Redis 7.0)");
            assertThat(oracle.restore(p, Map.of()).refused()).isTrue();
            p[p.length - 1] = 1; // any other wrong checksum
            assertThatThrownBy(() -> DumpFooter.of(p, "tampered"))
                    .satisfies(e -> assertThat(((RdbFormatException) e).reason()).isEqualTo(RdbFormatException.Reason.CHECKSUM_MISMATCH));
            assertThat(oracle.restore(p, Map.of()).refused()).isTrue();
        }
    }

    @Test
    void versionsNoServerWritesAreRefusedAndProducersVersionsNamed() throws Exception {
        try (RedisServer r = RedisServer.start(dir.resolve("w"))) {
            r.call("SET", "s", "hello");
            byte[] real = (byte[]) r.call("DUMP", "s");
            for (int v : new int[] {0, 1, 5, 16, 79, 82, 99, 65535}) {
                assertThatThrownBy(() -> DumpFooter.of(restamp(real, v), "v" + v)).as("version %d", v)
                        .hasMessageContaining("claims RDB version " + v + ", which no server writes");
            }
            for (int v : new int[] {6, 9, 12, 13, 15, 80, 81}) {
                assertThat(DumpFooter.of(restamp(real, v), "v" + v).version()).isEqualTo(v);
                assertThat(CorruptDumpSamples.salvorRefuses(restamp(real, v))).as("version %d", v).isNull();
            }
            assertThat(DumpFooter.claim(12)).isEqualTo("RDB version 12 (Redis 7.4 to 8.4)");
            assertThat(DumpFooter.claim(80)).isEqualTo("RDB version 80 (Valkey 9.0)");
        }
    }

    /**
     * A hash with field TTLs (type 25, first written in RDB 12) in a payload that claims RDB 11:
     * the server of version 11 does not know the type and refuses it; so does Salvor.
     */
    @Test
    void aTypeTheClaimedVersionDoesNotHaveIsRefusedAsByThatVersionsServer() throws Exception {
        byte[] listpackEx;
        try (RestoreOracle v74 = RestoreOracle.start("redis-7.4", dir)) {
            v74.server().call("HSET", "h", "f", "v", "g", "w");
            v74.server().call("HEXPIRE", "h", "1000", "FIELDS", "1", "f");
            listpackEx = (byte[]) v74.server().call("DUMP", "h");
        }
        assertThat(listpackEx[0]).isEqualTo((byte) 25);
        byte[] as11 = restamp(listpackEx, 11);
        assertThatThrownBy(() -> DumpFooter.of(as11, "as 11")).hasMessageContaining("value type 25")
                .hasMessageContaining("RDB version 11 (Redis 7.2, Valkey 7.2 to 8.1)");
        for (String older : new String[] {"redis-7.2", "valkey-8.0"}) {
            try (RestoreOracle o = RestoreOracle.start(older, dir)) {
                assertThat(o.rdbVersion()).isEqualTo(11);
                assertThat(o.restore(as11, Map.of())).as(older).isNotEqualTo(RestoreOracle.Verdict.LOADS);
            }
        }
        assertThat(DumpFooter.of(listpackEx, "as written").version()).isEqualTo(12);
    }

    /** The payload with another claimed version and its checksum recomputed. */
    static byte[] restamp(byte[] payload, int version) {
        byte[] p = payload.clone();
        int end = p.length - 10;
        p[end] = (byte) version;
        p[end + 1] = (byte) (version >>> 8);
        long crc = Crc64.of(p, 0, p.length - 8);
        for (int i = 0; i < 8; i++) p[p.length - 8 + i] = (byte) (crc >>> (8 * i));
        return p;
    }
}
