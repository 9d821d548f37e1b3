package dev.salvor.rdb;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class MemberSetTest {
    private static StringRef text(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        StringRef r = new StringRef();
        r.setBytes(b, 0, b.length);
        return r;
    }

    @Test
    void aRepeatIsFoundInEveryValueAfterTheTableWasKeptAndCleared() {
        MemberSet set = new MemberSet();
        // Sizes around every growth step and past the kept size, each value cleared before the next.
        for (int n : new int[] {1, 31, 33, 100, 5000, 3, 20_000, 40_000, 7, 1000}) {
            set.clear();
            for (int i = 0; i < n; i++) assertThat(set.add(text("m" + i))).as("member %d of %d", i, n).isTrue();
            assertThat(set.size()).isEqualTo(n);
            assertThat(set.add(text("m" + (n / 2)))).isFalse();
            assertThat(set.add(text("m" + n))).isTrue();
        }
    }

    @Test
    void membersOfAPreviousValueAreForgotten() {
        MemberSet set = new MemberSet();
        for (int round = 0; round < 100_000; round++) {
            set.clear();
            assertThat(set.add(text("a"))).isTrue();
            assertThat(set.add(text("b"))).isTrue();
            assertThat(set.add(text("a"))).isFalse();
        }
    }

    @Test
    void anIntegerAndItsTextAreOneMember() {
        MemberSet set = new MemberSet();
        set.clear();
        assertThat(set.add(text("7"))).isTrue();
        StringRef seven = new StringRef();
        seven.setInteger(7);
        assertThat(set.add(seven)).isFalse();
    }

    /**
     * A value starts in the kept table its declared count calls for (a count that lies, too):
     * repeats are still found, members of earlier values in the same table are not repeats.
     */
    @Test
    void aValueStartedInTheTableItsCountCallsForFindsExactlyItsRepeats() {
        MemberSet set = new MemberSet();
        long[] hints = {-1, 0, 5, 33, 100, 10_000, 1 << 20, Long.MAX_VALUE};
        int[] sizes = {1, 40, 300, 9_000, 70_000};
        java.util.Random rnd = new java.util.Random(4);
        for (int round = 0; round < 60; round++) {
            long hint = hints[rnd.nextInt(hints.length)];
            int n = sizes[rnd.nextInt(sizes.length)];
            String prefix = round % 2 == 0 ? "m" : "n"; // the same members as two values before
            set.clear();
            set.expect(hint);
            for (int i = 0; i < n; i++) assertThat(set.add(text(prefix + i))).as("round %d member %d of %d, hint %d", round, i, n, hint).isTrue();
            assertThat(set.size()).isEqualTo(n);
            assertThat(set.add(text(prefix + rnd.nextInt(n)))).isFalse();
            assertThat(set.add(text(prefix + n))).isTrue();
        }
    }
}
