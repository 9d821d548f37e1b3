package dev.salvor.format;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvor.rdb.RdbFormatException;
import org.junit.jupiter.api.Test;

/** One location and one message shape for every format's errors. */
class LocationTest {
    @Test
    void messagesNameWhatIsKnown() {
        assertThat(Location.of("f.rdb", 12).message("bad length", "expected a length")).isEqualTo("f.rdb: bad length at byte offset 12: expected a length");
        assertThat(new Location("a.aof", 40, 3, -1, null).message("bad prefix", "x")).isEqualTo("a.aof: bad prefix at byte offset 40 (line 3): x");
        assertThat(new Location(null, 5, 0, 2, new byte[] {'k', 1}).message("truncated", "two\nlines"))
                .isEqualTo("truncated at byte offset 5 (db 2, key \"k\\x01\"): two lines");
    }

    @Test
    void theKeyIsCopiedInAndOut() {
        byte[] key = {'a'};
        Location l = new Location("s", 1, 0, 0, key);
        key[0] = 'b';
        assertThat(l.key()).containsExactly('a');
        l.key()[0] = 'c';
        assertThat(l.key()).containsExactly('a');
        assertThat(l).isEqualTo(new Location("s", 1, 0, 0, new byte[] {'a'}));
    }

    @Test
    void rdbErrorsAreLocatedFormatErrors() {
        FormatException e = new RdbFormatException(RdbFormatException.Reason.TRUNCATED, "x.rdb", 9, 0, new byte[] {'k'}, "input ends");
        assertThat(e.location()).isEqualTo(new Location("x.rdb", 9, 0, 0, new byte[] {'k'}));
        assertThat(e.getMessage()).isEqualTo("x.rdb: truncated at byte offset 9 (db 0, key \"k\"): input ends");
        assertThat(e.detail()).isEqualTo("input ends");
    }
}
