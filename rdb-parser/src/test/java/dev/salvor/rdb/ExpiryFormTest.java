package dev.salvor.rdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 10.10: the seconds form of an expiry belongs to its own key, not to the keys after it. */
class ExpiryFormTest {
    @Test
    void secondsFormIsResetForTheNextKey() throws Exception {
        byte[] file = new RdbFlavorTest.Rdb("REDIS0005")
                .u8(0xfd).raw(new byte[] {0, 0x10, 0x5e, 0x5f}).u8(0).str("old").str("v")
                .u8(0).str("plain").str("v")
                .u8(0xfc).le64(1_900_000_000_000L).u8(0).str("ms").str("v")
                .finish(true);
        List<String> seen = new ArrayList<>();
        try (RdbReader r = RdbReader.of(new ByteArrayInputStream(file), "synthetic", file.length)) {
            RdbToken t;
            while ((t = r.next()) != RdbToken.END) {
                if (t == RdbToken.KEY) seen.add(new String(r.key()) + " " + r.expiryInSeconds());
            }
        }
        assertThat(seen).containsExactly("old true", "plain false", "ms false");
    }
}
