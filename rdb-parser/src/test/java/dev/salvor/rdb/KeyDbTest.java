package dev.salvor.rdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvor.fixtures.Fixtures;
import dev.salvor.fixtures.RdbBuilder;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * KeyDB with active replication writes each key's MVCC stamp as an AUX {@code mvcc-tstamp}
 * record right before the key's type, after its expiry (KeyDB src/rdb.cpp rdbSaveKeyValuePair).
 * The stamp is the key's ({@link RdbReader#mvccTimestamp()}), and the first one, before the
 * first key, tells KeyDB apart. Real files: the seeds of KeyDB's RDB fuzzer, written by KeyDB.
 */
class KeyDbTest {
    /** The decimal stamp and, where there is one, the 8-byte expiry before it, found in the raw bytes. */
    private static long stampIn(byte[] f) {
        byte[] name = "mvcc-tstamp".getBytes(StandardCharsets.US_ASCII);
        outer:
        for (int i = 0; i + name.length + 2 < f.length; i++) {
            for (int j = 0; j < name.length; j++) if (f[i + j] != name[j]) continue outer;
            int len = f[i + name.length] & 0x3f;
            return Long.parseLong(new String(f, i + name.length + 1, len, StandardCharsets.US_ASCII));
        }
        throw new AssertionError("no mvcc-tstamp in the file");
    }

    @ParameterizedTest
    @ValueSource(strings = {"expire", "set", "multidb", "integer", "string"})
    void realKeyDbFilesGiveEachKeyItsStamp(String name) throws IOException {
        byte[] f = Files.readAllBytes(Fixtures.resolve("producers/keydb/" + name + ".rdb"));
        List<String> keys = new ArrayList<>();
        try (RdbReader r = RdbReader.of(new ByteArrayInputStream(f), name, f.length)) {
            RdbToken t;
            while ((t = r.next()) != RdbToken.END) {
                if (t == RdbToken.KEY) {
                    keys.add(new String(r.key(), StandardCharsets.UTF_8));
                    assertThat(r.mvccTimestamp()).isEqualTo(stampIn(f));
                    assertThat(r.flavor()).isEqualTo(RdbFlavor.KEYDB);
                    if (name.equals("expire")) {
                        // EXPIRETIME_MS (0xfc) and its 8 bytes sit right before the AUX record.
                        int at = indexOf(f, (byte) 0xfa, 0x55);
                        long ms = 0;
                        for (int k = 8; k >= 1; k--) ms = ms << 8 | (f[at - 9 + k] & 0xffL);
                        assertThat(f[at - 9] & 0xff).isEqualTo(0xfc);
                        assertThat(r.expireAtMs()).isEqualTo(ms);
                    }
                    r.skipValue();
                }
                if (t == RdbToken.EOF) assertThat(r.checksumStatus()).isEqualTo(ChecksumStatus.OK);
            }
            assertThat(r.producer().label()).isEqualTo("KeyDB 0.0.0");
        }
        assertThat(keys).hasSize(1);
    }

    private static int indexOf(byte[] f, byte b, int from) {
        for (int i = from; i < f.length; i++) if (f[i] == b) return i;
        return -1;
    }

    @Test
    void aStampAmongAKeysPrefixesKeepsTheExpiryAndIsTheKeysOnly() throws IOException {
        long when = 1546300800000L;
        byte[] file = new RdbBuilder("REDIS0009").aux("redis-ver", "6.2.6").selectDb(0, 3, 1)
                .expireMs(when).aux("mvcc-tstamp", "1700000000000000").stringKey("session", "s")
                .aux("mvcc-tstamp", "1700000000000001").key(2, "tags").len(2).str("a").str("b")
                .stringKey("unstamped", "u").finish();
        List<String> seen = new ArrayList<>();
        try (RdbReader r = RdbReader.of(new ByteArrayInputStream(file), "synthetic", file.length)) {
            RdbToken t;
            while ((t = r.next()) != RdbToken.END) {
                if (t == RdbToken.KEY) {
                    seen.add(new String(r.key()) + " expire " + r.expireAtMs() + " mvcc " + r.mvccTimestamp() + " " + r.flavor());
                    r.skipValue();
                }
            }
        }
        assertThat(seen).containsExactly("session expire " + when + " mvcc 1700000000000000 KEYDB",
                "tags expire -1 mvcc 1700000000000001 KEYDB", "unstamped expire -1 mvcc -1 KEYDB");
    }
}
