package dev.salvor.rdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvor.fixtures.Fixtures;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The traits each encoding states: checked against real files and against facts from Redis's and Valkey's rdb.h. */
class RdbEncodingTest {
    @ParameterizedTest
    @EnumSource(RdbEncoding.class)
    void eachTypeByteResolvesToItsEncodingInTheFlavorsThatReadIt(RdbEncoding e) {
        for (RdbFlavor f : RdbFlavor.values()) {
            if (e.readIn(f)) assertThat(RdbEncoding.of(e.rdbType(), f)).isEqualTo(e);
            else assertThat(RdbEncoding.of(e.rdbType(), f)).isNotEqualTo(e);
        }
        assertThat(RdbEncoding.isTypeByte(e.rdbType())).isTrue();
        assertThat(RdbOpcode.startsRecord(e.rdbType())).isTrue();
    }

    @Test
    void typesRedisAndValkeyNumberedDifferently() {
        assertThat(RdbEncoding.of(22, RdbFlavor.REDIS)).isEqualTo(RdbEncoding.HASH_METADATA_PRE_GA);
        assertThat(RdbEncoding.of(22, RdbFlavor.VALKEY)).isEqualTo(RdbEncoding.HASH_2);
        assertThat(RdbEncoding.of(23, RdbFlavor.REDIS)).isEqualTo(RdbEncoding.HASH_LISTPACK_EX_PRE_GA);
        assertThat(RdbEncoding.of(23, RdbFlavor.VALKEY)).isNull();
        // 8 was never assigned (the old "list of linked lists"); 33 (GCRA) has no published layout; 34 and up are unassigned.
        for (int b : new int[] {8, 33, 34, 100, 241, -1, 256}) {
            assertThat(RdbEncoding.of(b, RdbFlavor.REDIS)).as("type %d", b).isNull();
            // 33 to 37 are Dragonfly's probabilistic types: type bytes in its files only.
            assertThat(RdbEncoding.isTypeByte(b)).isEqualTo(b == 33 || b == 34);
        }
        assertThat(RdbEncoding.of(33, RdbFlavor.DRAGONFLY)).isEqualTo(RdbEncoding.DF_SBF);
        assertThat(RdbEncoding.of(37, RdbFlavor.DRAGONFLY)).isEqualTo(RdbEncoding.DF_CUCKOO);
        assertThat(RdbOpcode.startsRecord(8)).isFalse();
        assertThat(RdbOpcode.startsRecord(242)).isFalse();
        for (int b = RdbOpcode.KEY_META_OR_SLOT_IMPORT; b <= RdbOpcode.EOF; b++) assertThat(RdbOpcode.startsRecord(b)).isTrue();
    }

    /** The server that wrote each fixture is the oracle: every type it wrote must count as written by its version. */
    @Test
    void everyTypeInARealFileIsWrittenByThatFilesVersion() throws IOException {
        int files = 0;
        Set<RdbEncoding> seen = EnumSet.noneOf(RdbEncoding.class);
        for (Path p : Fixtures.intactRdbs()) {
            try (RdbReader r = RdbReader.open(p)) {
                RdbToken t;
                while ((t = r.next()) != RdbToken.END) {
                    if (t != RdbToken.KEY) continue;
                    assertThat(r.encoding().writtenBy(r.version())).as("%s in %s (RDB %d)", r.encoding(), p, r.version()).isTrue();
                    seen.add(r.encoding());
                    r.skipValue();
                }
            }
            files++;
        }
        assertThat(files).isGreaterThan(10);
        assertThat(seen).hasSizeGreaterThan(15);
    }

    /**
     * The servers that wrote the fixtures are the oracle: every skiplist zset they saved runs from
     * its greatest score down, and it is the only encoding that states so.
     */
    @Test
    void skiplistZsetsAreSavedFromTheGreatestScoreDown() throws IOException {
        long checked = 0;
        for (Path p : Fixtures.intactRdbs()) {
            try (RdbReader r = RdbReader.open(p)) {
                RdbToken t;
                while ((t = r.next()) != RdbToken.END) {
                    if (t != RdbToken.KEY) continue;
                    if (!r.encoding().scoresDescending()) {
                        r.skipValue();
                        continue;
                    }
                    double previous = Double.POSITIVE_INFINITY;
                    while (r.next() == RdbToken.ELEMENT) {
                        assertThat(r.score()).as("%s in %s", new String(r.key()), p).isLessThanOrEqualTo(previous);
                        previous = r.score();
                        checked++;
                    }
                }
            }
        }
        assertThat(checked).isGreaterThan(100);
        for (RdbEncoding e : RdbEncoding.values()) {
            assertThat(e.scoresDescending()).as("%s", e).isEqualTo(e == RdbEncoding.ZSET_2);
        }
    }

    /** Facts from the history of rdb.h and rdb.c (what each server generation saves), not from the code under test. */
    @Test
    void versionsThatNoLongerWriteAnEncoding() {
        // Redis 3.2 (RDB 7) saves lists as quicklists; 7.0 (RDB 10) replaced ziplists with listpacks.
        assertThat(RdbEncoding.LIST_LINKED.writtenBy(6)).isTrue();
        assertThat(RdbEncoding.LIST_LINKED.writtenBy(7)).isFalse();
        assertThat(RdbEncoding.LIST_ZIPLIST.writtenBy(7)).isFalse();
        assertThat(RdbEncoding.LIST_QUICKLIST.writtenBy(9)).isTrue();
        assertThat(RdbEncoding.LIST_QUICKLIST.writtenBy(10)).isFalse();
        assertThat(RdbEncoding.ZSET_ZIPLIST.writtenBy(10)).isFalse();
        assertThat(RdbEncoding.HASH_ZIPMAP.writtenBy(7)).isFalse();
        // Binary zset scores and module type 7 arrived with Redis 4.0 (RDB 8); streams v1 with 5.0 (RDB 9).
        assertThat(RdbEncoding.ZSET_2.writtenBy(7)).isFalse();
        assertThat(RdbEncoding.ZSET_TEXT_SCORES.writtenBy(8)).isFalse();
        assertThat(RdbEncoding.STREAM_LISTPACKS.writtenBy(9)).isTrue();
        assertThat(RdbEncoding.STREAM_LISTPACKS.writtenBy(10)).isFalse();
        // Set listpacks and stream v3 came with Redis 7.2 (RDB 11), hash field TTLs with 7.4 (RDB 12).
        assertThat(RdbEncoding.SET_LISTPACK.writtenBy(10)).isFalse();
        assertThat(RdbEncoding.STREAM_LISTPACKS_3.writtenBy(11)).isTrue();
        assertThat(RdbEncoding.HASH_METADATA.writtenBy(11)).isFalse();
        assertThat(RdbEncoding.HASH_METADATA.writtenBy(12)).isTrue();
        // Valkey 9 (RDB 80) writes its own HASH_2 and none of Redis 7.4's hash types.
        assertThat(RdbEncoding.HASH_2.writtenBy(80)).isTrue();
        assertThat(RdbEncoding.HASH_2.writtenBy(12)).isFalse();
        assertThat(RdbEncoding.HASH_METADATA.writtenBy(80)).isFalse();
        assertThat(RdbEncoding.MODULE_PRE_GA.writtenBy(8)).isFalse();
    }

    @Test
    void bareRecordsAreThoseMadeOfRdbStringsOnly() {
        Set<RdbEncoding> bare = EnumSet.noneOf(RdbEncoding.class);
        for (RdbEncoding e : RdbEncoding.values()) if (e.bare()) bare.add(e);
        assertThat(bare).containsExactlyInAnyOrder(RdbEncoding.STRING, RdbEncoding.LIST_LINKED, RdbEncoding.SET_PLAIN,
                RdbEncoding.ZSET_TEXT_SCORES, RdbEncoding.HASH_PLAIN);
    }

    @Test
    void familiesSayWhatEndsUnchecked() {
        assertThat(RdbEncoding.Family.PACKED.endsUnchecked()).isFalse();
        assertThat(RdbEncoding.Family.QUICKLIST.endsUnchecked()).isFalse();
        assertThat(RdbEncoding.Family.PLAIN.endsUnchecked()).isTrue();
        assertThat(RdbEncoding.Family.STREAM.endsUnchecked()).isTrue();
        assertThat(RdbEncoding.Family.MODULE.endsUnchecked()).isTrue();
        for (RdbEncoding e : RdbEncoding.values()) {
            if (e.family() == RdbEncoding.Family.PLAIN || e.family() == RdbEncoding.Family.PACKED) {
                assertThat(e.type()).as("%s", e).isIn(RedisType.LIST, RedisType.SET, RedisType.ZSET, RedisType.HASH);
            }
        }
    }
}
