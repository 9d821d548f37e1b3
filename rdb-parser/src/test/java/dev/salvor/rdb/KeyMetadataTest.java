package dev.salvor.rdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvor.fixtures.RdbBuilder;
import dev.salvor.fixtures.RdbBuilder.KeyMetaClass;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Redis 8.6+ key metadata (KEY_META, opcode 243, before a key): each class's name, version and
 * flags decoded from its spec, its value framed (module opcodes to their EOF) and located. Built
 * byte by byte as redis src/keymeta.c writes it.
 */
class KeyMetadataTest {
    @Test
    void classesAreNamedAndLocated() throws IOException {
        RdbBuilder b = new RdbBuilder("REDIS0013").selectDb(0, 2, 0);
        int firstValue = b.offset() + 1 + 1 + 4; // opcode, class count, the first class's spec
        byte[] uint = KeyMetaClass.uint(1234567);
        byte[] text = KeyMetaClass.string("doc:42");
        byte[] file = b.keyMeta(new KeyMetaClass("KMT1", 3, 1, uint), new KeyMetaClass("doc_", 31, 7, text))
                .expireMs(1893456000000L).stringKey("k", "v")
                .stringKey("plain", "w").finish();
        try (RdbReader r = RdbReader.of(new ByteArrayInputStream(file), "synthetic", file.length)) {
            while (r.next() != RdbToken.KEY) {
                // to the first key
            }
            assertThat(new String(r.key())).isEqualTo("k");
            assertThat(r.expireAtMs()).isEqualTo(1893456000000L);
            List<KeyMetadata> m = r.keyMetadata();
            assertThat(m).containsExactly(
                    new KeyMetadata("KMT1", 3, 1, firstValue, uint.length + 1),
                    new KeyMetadata("doc_", 31, 7, firstValue + uint.length + 1 + 4, text.length + 1));
            r.skipValue();
            assertThat(r.next()).isEqualTo(RdbToken.KEY);
            assertThat(new String(r.key())).isEqualTo("plain");
            assertThat(r.keyMetadata()).isEmpty();
        }
    }
}
