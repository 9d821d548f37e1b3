package dev.salvor.rdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvor.fixtures.RdbBuilder;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * KeyDB writes each member (or hash field) that has its own expiry as a pair of AUX records right
 * after its key's value: {@code keydb-subexpire-key} (the member) and {@code keydb-subexpire-when}
 * (its Unix ms as text); its loader attaches each pair to the key loaded last (KeyDB src/rdb.cpp
 * rdbSaveKeyValuePair and rdbLoadRio). No KeyDB server runs here and KeyDB's own test files hold
 * no member expiry, so the files are built byte by byte in that layout ({@link RdbBuilder#memberExpiry}).
 */
class KeyDbMemberExpiryTest {
    private static final long T1 = 1893456000000L;
    private static final long T2 = 1893456000123L;

    @Test
    void memberExpiriesAfterAKeyBelongToThatKey() throws IOException {
        RdbBuilder b = new RdbBuilder("REDIS0009").aux("redis-ver", "6.3.4").selectDb(0, 3, 0);
        b.key(2, "tags").len(3).str("a").str("b").str("c");
        int pairs = b.offset();
        b.memberExpiry("a", T1).memberExpiry("c", T2);
        int afterPairs = b.offset();
        b.key(4, "user").len(1).str("name").str("ada").memberExpiry("name", T2);
        b.stringKey("plain", "v").aux("other", "kept");
        byte[] file = b.finish();

        List<String> seen = new ArrayList<>();
        try (RdbReader r = RdbReader.of(new ByteArrayInputStream(file), "synthetic", file.length)) {
            RdbToken t;
            while ((t = r.next()) != RdbToken.END) {
                if (t == RdbToken.KEY) {
                    String key = new String(r.key(), StandardCharsets.UTF_8);
                    r.skipValue();
                    StringBuilder s = new StringBuilder("key " + key);
                    for (MemberExpiry m : r.memberExpiries()) s.append(' ').append(new String(m.member(), StandardCharsets.UTF_8)).append('@').append(m.expireAtMs());
                    seen.add(s.toString());
                    if (key.equals("tags")) {
                        assertThat(r.keyEndOffset()).isEqualTo(pairs);
                        assertThat(r.keyRecordEndOffset()).isEqualTo(afterPairs);
                        assertThat(r.memberExpiries().get(0).offset()).isEqualTo(pairs);
                    }
                    if (key.equals("plain")) assertThat(r.keyRecordEndOffset()).isEqualTo(r.keyEndOffset());
                } else if (t == RdbToken.AUX) {
                    seen.add("aux " + r.auxKey());
                } else if (t == RdbToken.EOF) {
                    seen.add("eof " + r.checksumStatus());
                }
            }
        }
        assertThat(seen).containsExactly("aux redis-ver", "key tags a@" + T1 + " c@" + T2, "key user name@" + T2, "key plain",
                "aux other", "eof OK");
    }

    @Test
    void aMemberWithoutItsTimeIsKeptWithoutOne() throws IOException {
        byte[] file = new RdbBuilder("REDIS0009").selectDb(0, 1, 0).key(2, "s").len(1).str("m")
                .aux("keydb-subexpire-key", "m").aux("keydb-subexpire-when", "soon").aux("keydb-subexpire-key", "n").finish();
        try (RdbReader r = RdbReader.of(new ByteArrayInputStream(file), "synthetic", file.length)) {
            while (r.next() != RdbToken.KEY) {
            }
            r.skipValue();
            assertThat(r.memberExpiries()).extracting(m -> new String(m.member(), StandardCharsets.UTF_8) + "@" + m.expireAtMs())
                    .containsExactly("m@-1", "n@-1");
            assertThat(r.next()).isEqualTo(RdbToken.EOF);
        }
    }
}
