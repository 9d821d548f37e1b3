package dev.salvor.rdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvor.fixtures.Fixtures;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each encoding, by name, is read from a real file written by a real server, with its elements
 * decoded to the end. The few that no available server writes are covered by synthetic files
 * in {@link RdbFlavorTest} and named here.
 */
class EncodingCoverageTest {
    /**
     * Encodings no server on hand writes: Valkey 9, Redis 7.4 release candidates, 4.0
     * release-candidate modules, Redis 8.10's template hashes (TemplateHashTest, TemplateHashFilesTest), Redis 8.8's
     * arrays (ArrayTest), Redis 8.6/8.8 streams (StreamV4V5Test), KeyDB's cron jobs (KeyDbCronTest),
     * Dragonfly's hashes and sets with member expiry, JSON and probabilistic types (DragonflyTest:
     * Dragonfly's repository ships no file it saved).
     */
    static final Set<RdbEncoding> SYNTHETIC_ONLY = EnumSet.of(RdbEncoding.HASH_2, RdbEncoding.HASH_METADATA_PRE_GA,
            RdbEncoding.HASH_LISTPACK_EX_PRE_GA, RdbEncoding.MODULE_PRE_GA, RdbEncoding.HASH_TMPL_LP, RdbEncoding.HASH_TMPL_LP_REF,
            RdbEncoding.HASH_TMPL_ARRAY, RdbEncoding.HASH_TMPL_ARRAY_REF, RdbEncoding.ARRAY,
            RdbEncoding.STREAM_LISTPACKS_4, RdbEncoding.STREAM_LISTPACKS_5, RdbEncoding.KEYDB_CRON,
            RdbEncoding.DF_HASH_WITH_EXPIRY, RdbEncoding.DF_SET_WITH_EXPIRY, RdbEncoding.DF_JSON, RdbEncoding.DF_JSON_OLD,
            RdbEncoding.DF_SBF, RdbEncoding.DF_SBF2, RdbEncoding.DF_CMS, RdbEncoding.DF_TOPK, RdbEncoding.DF_CUCKOO);
    static final Map<RdbEncoding, String> SEEN = new EnumMap<>(RdbEncoding.class);
    static final Map<RdbEncoding, Long> ELEMENTS = new EnumMap<>(RdbEncoding.class);

    @BeforeAll
    static void readEveryFixture() throws IOException {
        try (Stream<Path> files = Files.walk(Fixtures.root())) {
            // damaged/ holds the named damaged samples of the salvage tests, not servers' intact files.
            Path damaged = Fixtures.root().resolve("damaged");
            for (Path p : files.filter(f -> f.toString().endsWith(".rdb") && !f.startsWith(damaged)).toList()) {
                try (RdbReader r = RdbReader.open(p)) {
                    RdbToken t;
                    while ((t = r.next()) != RdbToken.END) {
                        if (t == RdbToken.KEY) {
                            RdbEncoding e = r.encoding();
                            long n = 0;
                            while (r.next() == RdbToken.ELEMENT) n++;
                            SEEN.putIfAbsent(e, Fixtures.root().relativize(p).toString());
                            ELEMENTS.merge(e, n, Long::sum);
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(RdbEncoding.class)
    void everyEncodingIsReadFromARealFile(RdbEncoding encoding) {
        if (SYNTHETIC_ONLY.contains(encoding)) {
            assertThat(SEEN).as("%s is synthetic-only: no fixture should hold it", encoding).doesNotContainKey(encoding);
            return;
        }
        assertThat(SEEN).as("a fixture holds %s", encoding).containsKey(encoding);
        assertThat(ELEMENTS.get(encoding)).as("elements of %s", encoding).isPositive();
    }
}
