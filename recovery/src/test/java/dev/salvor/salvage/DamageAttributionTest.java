package dev.salvor.salvage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The damage attribution rules, one test each, on small files written byte by byte
 * ({@link RdbBytes}) and damaged at a chosen record: which keys a region takes (the previous key
 * that may have absorbed the damage, unless the failed record's start is proven) and whether it
 * is a truncation.
 */
class DamageAttributionTest {
    private static final long EXPIRY = 1_900_000_000_000L;

    @TempDir
    Path dir;

    private static RdbBytes file(int keys) {
        return new RdbBytes("REDIS0009").aux("redis-ver", "5.0.14").selectDb(0, keys, keys);
    }

    private SalvageReport salvage(byte[] bytes) throws Exception {
        Path p = dir.resolve("damaged-" + System.nanoTime() + ".rdb");
        Files.write(p, bytes);
        return RdbSalvager.salvage(p, SalvageVisitor.NONE, null);
    }

    private static List<String> names(List<byte[]> keys) {
        return keys.stream().map(k -> new String(k, StandardCharsets.UTF_8)).toList();
    }

    /**
     * Keys k:0..k:39 with an expiry; k:20's bytes overwritten. k:19 is a raw string (its last
     * bytes nothing checks) or an integer (checked to its last byte).
     */
    private SalvageReport previousKeyCase(boolean previousRaw) throws Exception {
        RdbBytes b = file(40);
        int from = 0;
        int to = 0;
        for (int i = 0; i < 40; i++) {
            if (i == 20) from = b.offset();
            if (i == 19 && !previousRaw) b.stringInt("k:19", (short) 1919, EXPIRY);
            else b.string("k:" + i, "value " + i, EXPIRY + i);
            if (i == 20) to = b.offset();
        }
        byte[] bytes = b.finish();
        Arrays.fill(bytes, from, to, (byte) 0xee);
        return salvage(bytes);
    }

    @Test
    void aKeyEndingInUncheckedBytesRightBeforeDamageIsLostWithIt() throws Exception {
        SalvageReport r = previousKeyCase(true);
        assertThat(r.keysRecovered()).isEqualTo(38);
        assertThat(names(r.lostKeys())).containsExactly("k:19");
        // k:19 is a plausible key: the walk stops there, and k:18 before it is kept but flagged.
        assertThat(names(r.unverifiedKeys())).containsExactly("k:18");
        assertThat(r.losses().atLeast()).isEqualTo(2);
    }

    @Test
    void aKeyCheckedToItsLastByteIsKept() throws Exception {
        SalvageReport r = previousKeyCase(false);
        assertThat(r.keysRecovered()).isEqualTo(39);
        assertThat(r.lostKeys()).isEmpty();
        assertThat(r.unverifiedKeys()).isEmpty();
        assertThat(r.losses().atLeast()).isEqualTo(1);
    }

    /**
     * Keys k:0..k:19 (raw strings), a plain set "s" of 12 members with the length of member
     * {@code cutMember} destroyed, then keys k:20..k:39.
     */
    private SalvageReport cutSetCase(int cutMember) throws Exception {
        RdbBytes b = file(41);
        for (int i = 0; i < 20; i++) b.string("k:" + i, "value " + i, EXPIRY + i);
        b.u8(0xfc).le64(EXPIRY).u8(2).str("s").len(12);
        int cut = 0;
        for (int m = 0; m < 12; m++) {
            if (m == cutMember) cut = b.offset();
            b.str(String.format("member-%02d", m));
        }
        for (int i = 20; i < 40; i++) b.string("k:" + i, "value " + i, EXPIRY + i);
        byte[] bytes = b.finish();
        // A 32-bit length of 1 MiB: more than the file holds.
        byte[] length = {(byte) 0x80, 0x00, 0x10, 0x00, 0x00};
        System.arraycopy(length, 0, bytes, cut, length.length);
        return salvage(bytes);
    }

    @Test
    void aValueThatReadManyElementsProvesItsStartAndTheKeyBeforeItStays() throws Exception {
        SalvageReport r = cutSetCase(9);
        assertThat(names(r.lostKeys())).containsExactly("s");
        assertThat(r.keysRecovered()).isEqualTo(40);
        assertThat(r.unverifiedKeys()).isEmpty();
    }

    @Test
    void aValueCutAfterFewElementsProvesNothingAndTheKeyBeforeItGoesToo() throws Exception {
        SalvageReport r = cutSetCase(2);
        assertThat(names(r.lostKeys())).containsExactlyInAnyOrder("s", "k:19");
        assertThat(r.keysRecovered()).isEqualTo(39);
    }

    @Test
    void aLengthPastTheEndIsATruncationOnlyWhenNothingIntactFollows() throws Exception {
        // Intact keys follow the cut set: a misaligned read, the region ends where they start.
        SalvageReport followed = cutSetCase(9);
        assertThat(followed.regions()).singleElement().satisfies(c -> assertThat(c.truncation()).isFalse());
        assertThat(followed.losses().truncated()).isFalse();

        // The file cut inside the set: a truncated tail, and what followed cannot be known.
        RdbBytes b = file(21);
        for (int i = 0; i < 20; i++) b.string("k:" + i, "value " + i, EXPIRY + i);
        b.u8(0xfc).le64(EXPIRY).u8(2).str("s").len(12);
        for (int m = 0; m < 12; m++) b.str(String.format("member-%02d", m));
        byte[] whole = b.finish();
        byte[] cut = Arrays.copyOf(whole, whole.length - 40);
        SalvageReport r = salvage(cut);
        assertThat(r.regions()).singleElement().satisfies(c -> {
            assertThat(c.truncation()).isTrue();
            assertThat(c.end()).isEqualTo(cut.length);
        });
        assertThat(r.losses().truncated()).isTrue();
        assertThat(r.losses().fileEndsAt()).isEqualTo(cut.length);
        assertThat(r.keysRecovered()).isEqualTo(20);
    }

    @Test
    void theWalkBackTakesImplausibleKeysAndStopsAtACheckedOrPlausibleOne() {
        KeyLedger.KeyId id = KeyLedger.KeyId.of(0, new byte[] {1});
        // start, end, unchecked, plausible
        DamageAttribution.RecentKey checked = new DamageAttribution.RecentKey(id, "a".getBytes(), 0, 10, 0, false, false, true);
        DamageAttribution.RecentKey uncheckedPlausible = new DamageAttribution.RecentKey(id, "b".getBytes(), 10, 20, 0, false, true, true);
        DamageAttribution.RecentKey garbage = new DamageAttribution.RecentKey(id, "\u0001".getBytes(), 20, 30, 0, false, false, false);
        ArrayDeque<DamageAttribution.RecentKey> recent = new ArrayDeque<>(List.of(checked, uncheckedPlausible, garbage));
        // The implausible key goes, then the plausible unchecked one before it; the checked one stays.
        DamageAttribution.Absorbed a = DamageAttribution.absorbed(recent, 30, 0);
        assertThat(a.keys()).containsExactly(garbage, uncheckedPlausible);
        assertThat(a.unverifiedStart()).isEqualTo(-1);
        // Not adjacent to the damage: nothing goes.
        assertThat(DamageAttribution.absorbed(recent, 31, 0).keys()).isEmpty();
        // Keys before the segment's start are not this segment's to take.
        assertThat(DamageAttribution.absorbed(recent, 30, 20).keys()).containsExactly(garbage);
        // A plausible unchecked key goes alone; an unchecked key right before it is kept, flagged.
        DamageAttribution.RecentKey before = new DamageAttribution.RecentKey(id, "b".getBytes(), 10, 30, 0, false, true, true);
        DamageAttribution.RecentKey last = new DamageAttribution.RecentKey(id, "c".getBytes(), 30, 40, 0, false, true, true);
        DamageAttribution.Absorbed flagged = DamageAttribution.absorbed(new ArrayDeque<>(List.of(checked, before, last)), 40, 0);
        assertThat(flagged.keys()).containsExactly(last);
        assertThat(flagged.unverifiedStart()).isEqualTo(10);
        // Not when the key before it is checked to its end.
        DamageAttribution.Absorbed plain = DamageAttribution.absorbed(new ArrayDeque<>(List.of(
                new DamageAttribution.RecentKey(id, "a".getBytes(), 0, 30, 0, false, false, true), last)), 40, 0);
        assertThat(plain.keys()).containsExactly(last);
        assertThat(plain.unverifiedStart()).isEqualTo(-1);
    }
}
