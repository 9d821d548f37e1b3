package dev.salvor.salvage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvor.rdb.RdbFlavor;
import dev.salvor.rdb.RdbReader;

import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The candidate rules, one test each, on small files written byte by byte ({@link RdbBytes}): a
 * candidate offset after damage, then records that one rule refuses or accepts, then a run of
 * ordinary keys. The search starts at the candidate; where it resumes says which rule applied.
 */
class CandidateChainTest {
    private static final long EXPIRY = 1_900_000_000_000L;

    @TempDir
    Path dir;

    /** A file with the header and database 0 written, where a test adds its candidate records. */
    private static RdbBytes file() {
        return new RdbBytes("REDIS0009").aux("redis-ver", "5.0.14").selectDb(0, 100, 100);
    }

    /** Keys with an expiry (so not bare): enough to confirm a chain. */
    private static void ordinaryKeys(RdbBytes b, String prefix, int n) {
        for (int i = 0; i < n; i++) b.string(prefix + i, "value " + i, EXPIRY + i);
    }

    private Resynchronizer.Found find(RdbBytes b, long from, int version, int db, KeyLedger alreadyRead) throws Exception {
        Path p = dir.resolve("candidate-" + System.nanoTime() + ".rdb");
        Files.write(p, b.finish());
        try (FileChannel ch = FileChannel.open(p)) {
            return new Resynchronizer(ch, ch.size(), p.toString(), alreadyRead).find(from, new RdbReader.Context(version, RdbFlavor.REDIS, db));
        }
    }

    private Resynchronizer.Found find(RdbBytes b, long from) throws Exception {
        return find(b, from, 9, 0, new KeyLedger());
    }

    @Test
    void aChainOfConfirmedKeysAfterGarbageIsWhereReadingResumes() throws Exception {
        RdbBytes b = file();
        int garbage = b.offset();
        for (int i = 0; i < 40; i++) b.u8(0xee);
        int first = b.offset();
        ordinaryKeys(b, "k:", CandidateChain.CONFIRMATIONS + 2);
        assertThat(find(b, garbage).offset()).isEqualTo(first);
    }

    @Test
    void tooFewKeysBeforeTheEndOfTheFileDoNotConfirmUnlessTheEndIsProper() throws Exception {
        // A proper end of file confirms a short chain: the trailer ends exactly at the file's end.
        RdbBytes b = file();
        int first = b.offset();
        ordinaryKeys(b, "k:", 3);
        assertThat(find(b, first).offset()).isEqualTo(first);
    }

    @Test
    void theFirstKeyAfterDamageMustHaveATextName() throws Exception {
        RdbBytes b = file();
        int binary = b.offset();
        b.string("\u0001\u0002bin", "v", EXPIRY);
        int next = b.offset();
        ordinaryKeys(b, "k:", CandidateChain.CONFIRMATIONS + 2);
        assertThat(find(b, binary).offset()).isEqualTo(next);
        // The same name later in a chain is no reason to refuse it.
        RdbBytes c = file();
        int start = c.offset();
        c.string("text", "v", EXPIRY);
        c.string("\u0001\u0002bin", "v", EXPIRY);
        ordinaryKeys(c, "k:", CandidateChain.CONFIRMATIONS + 2);
        assertThat(find(c, start).offset()).isEqualTo(start);
    }

    @Test
    void aKeyAlreadyReadOrRepeatedRefusesTheChain() throws Exception {
        RdbBytes b = file();
        int first = b.offset();
        b.string("seen", "v", EXPIRY);
        int next = b.offset();
        ordinaryKeys(b, "k:", CandidateChain.CONFIRMATIONS + 2);
        KeyLedger ledger = new KeyLedger();
        ledger.add(KeyLedger.KeyId.of(0, "seen".getBytes(StandardCharsets.UTF_8)));
        assertThat(find(b, first, 9, 0, ledger).offset()).isEqualTo(next);
        assertThat(find(b, first, 9, 0, new KeyLedger()).offset()).isEqualTo(first);

        RdbBytes twice = file();
        int start = twice.offset();
        twice.string("a", "v", EXPIRY);
        int second = twice.offset();
        twice.string("a", "w", EXPIRY);
        ordinaryKeys(twice, "k:", CandidateChain.CONFIRMATIONS + 2);
        // Refused at "a" (it repeats); the chain from the second "a" holds it once.
        assertThat(find(twice, start).offset()).isEqualTo(second);
    }

    @Test
    void aTypeTheFilesVersionNeverWritesRefusesTheChain() throws Exception {
        // Type 3 (zset with scores as text) was written up to RDB 7 only. (With an expiry, so that
        // the record is not a bare one, which the bare-lead rule would judge.)
        RdbBytes b = file();
        int zset = b.offset();
        b.u8(0xfc).le64(EXPIRY).u8(3).str("z").len(1).str("m").str("1.5");
        int next = b.offset();
        ordinaryKeys(b, "k:", CandidateChain.CONFIRMATIONS + 2);
        assertThat(find(b, zset, 9, 0, new KeyLedger()).offset()).isEqualTo(next);
        assertThat(find(b, zset, 7, 0, new KeyLedger()).offset()).isEqualTo(zset);
    }

    @Test
    void anExpiryNoServerWritesRefusesTheChain() throws Exception {
        // The 4-byte seconds form (0xFD) was written before RDB 6 only; a time before 2000 never.
        for (boolean seconds : new boolean[] {true, false}) {
            RdbBytes b = file();
            int record = b.offset();
            if (seconds) b.u8(0xfd).u8(0x00).u8(0x5e).u8(0xd0).u8(0xb2); // 3,000,000,000 s: year 2065
            else b.u8(0xfc).le64(1000L);
            b.string("x", "v", -1);
            ordinaryKeys(b, "k:", CandidateChain.CONFIRMATIONS + 2);
            Resynchronizer.Found found = find(b, record, 9, 0, new KeyLedger());
            assertThat(found.offset()).as(seconds ? "seconds" : "1970").isGreaterThan(record);
            if (seconds) assertThat(find(b, record, 5, 0, new KeyLedger()).offset()).isEqualTo(record);
        }
    }

    @Test
    void aChainOfBareRecordsCountsOnlyWhenLongOrAtTheEnd() throws Exception {
        // Five keys without prefix (they could be a plain collection's elements) then keys with
        // an expiry: reading resumes at the first key with an expiry; the five are in doubt.
        RdbBytes b = file();
        int bare = b.offset();
        List<String> bareNames = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            bareNames.add("bare:" + i);
            b.string("bare:" + i, "v" + i, -1);
        }
        int anchor = b.offset();
        ordinaryKeys(b, "k:", CandidateChain.CONFIRMATIONS + 2);
        Resynchronizer.Found found = find(b, bare);
        assertThat(found.offset()).isEqualTo(anchor);
        assertThat(found.doubtful()).extracting(k -> new String(k, StandardCharsets.UTF_8)).containsExactlyElementsOf(bareNames);

        // A long enough bare run is a chain of its own.
        RdbBytes many = file();
        int start = many.offset();
        for (int i = 0; i <= CandidateChain.BARE_CONFIRMATIONS; i++) many.string("bare:" + i, "v" + i, -1);
        ordinaryKeys(many, "k:", 2);
        assertThat(find(many, start).offset()).isEqualTo(start);
    }

    @Test
    void databasesAscendAndEachSelectdbHasItsResizedb() throws Exception {
        RdbBytes b = file();
        int select = b.offset();
        b.selectDb(3, 50, 50);
        int first = b.offset();
        ordinaryKeys(b, "k:", CandidateChain.CONFIRMATIONS + 2);
        assertThat(find(b, select, 9, 0, new KeyLedger()).offset()).isEqualTo(select);
        // Reading resumes at the SELECTDB itself, in the database before it.
        assertThat(find(b, select, 9, 0, new KeyLedger()).db()).isZero();
        // A database before the one in effect is no continuation.
        assertThat(find(b, select, 9, 5, new KeyLedger()).offset()).isEqualTo(first);

        RdbBytes bareSelect = file();
        int at = bareSelect.offset();
        bareSelect.u8(0xfe).len(3);
        int keys = bareSelect.offset();
        ordinaryKeys(bareSelect, "k:", CandidateChain.CONFIRMATIONS + 2);
        // Since RDB 7 a SELECTDB without its RESIZEDB is garbage; before, it is how they were written.
        assertThat(find(bareSelect, at, 9, 0, new KeyLedger()).offset()).isEqualTo(keys);
        assertThat(find(bareSelect, at, 6, 0, new KeyLedger()).offset()).isEqualTo(at);
    }

    @Test
    void risingScoresInASkiplistZsetRefuseTheChain() throws Exception {
        for (boolean rising : new boolean[] {false, true}) {
            RdbBytes b = file();
            int zset = b.offset();
            b.zset2("z", new String[] {"a", "b", "c"}, rising ? new double[] {1, 2, 3} : new double[] {3, 2, 1});
            int next = b.offset();
            ordinaryKeys(b, "k:", CandidateChain.CONFIRMATIONS + 2);
            assertThat(find(b, zset).offset()).as(rising ? "rising" : "descending").isEqualTo(rising ? next : zset);
        }
    }

    @Test
    void noCandidateStartsInZeroBytesOrInTheTailOfAnInteger() {
        byte[] zeros = {0, 0, 0, 5};
        assertThat(CandidateChain.startsInZeroes(zeros, 0, zeros.length)).isTrue();
        assertThat(CandidateChain.startsInZeroes(zeros, 1, zeros.length)).isFalse();
        // 0xC0 + 1 byte, 0xC1 + 2 bytes, 0xC2 + 4 bytes: the byte right after is the integer's last.
        assertThat(CandidateChain.tailOfInteger(new byte[] {(byte) 0xc0, 0}, 1)).isTrue();
        assertThat(CandidateChain.tailOfInteger(new byte[] {(byte) 0xc1, 1, 0}, 2)).isTrue();
        assertThat(CandidateChain.tailOfInteger(new byte[] {(byte) 0xc2, 1, 2, 3, 0}, 4)).isTrue();
        assertThat(CandidateChain.tailOfInteger(new byte[] {(byte) 0xc2, 1, 2, 0}, 3)).isFalse();
    }

    @Test
    void recordsThatPrecedeTheKeysRefuseAChainInsideTheKeyspace() throws Exception {
        RdbBytes b = file();
        int aux = b.offset();
        b.aux("lost-aux", "x");
        int first = b.offset();
        ordinaryKeys(b, "k:", CandidateChain.CONFIRMATIONS + 2);
        assertThat(find(b, aux).offset()).isEqualTo(first);
    }
}
