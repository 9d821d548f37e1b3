package dev.salvor.rdb;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * Coverage-guided fuzzing of the RDB file reader (seeds: one real file per value encoding,
 * {@code fixtures/make-fuzz-seeds.sh}). Any input ends in tokens or an {@link RdbFormatException};
 * any other exception, a hang or running out of the test's small heap is a finding. A file the
 * full decode reads whole, the framing walk reads whole too, with the same keys.
 */
class RdbReaderFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void read(byte[] data) throws IOException {
        long keysDecoded = -1;
        try (RdbReader r = RdbReader.of(new ByteArrayInputStream(data), "fuzz", data.length)) {
            keysDecoded = keys(r, null);
        } catch (RdbFormatException damaged) {
            // a typed, located error: the right outcome for damaged bytes
        }
        long keysFramed = -1;
        try (RdbReader r = RdbReader.of(new ByteArrayInputStream(data), "fuzz", data.length)) {
            keysFramed = keys(r, RdbReader.Skip.FRAMING);
        } catch (RdbFormatException damaged) {
            // as above
        }
        if (keysDecoded >= 0) assertThat(keysFramed).as("keys read by the framing walk of a file the full decode read whole").isEqualTo(keysDecoded);
    }

    /**
     * Reads to the end: with {@code skip} null every element is delivered and each of its parts
     * read; else each value is skipped that way. Returns the number of keys.
     */
    static long keys(RdbReader r, RdbReader.Skip skip) throws IOException {
        long keys = 0;
        for (RdbToken t; (t = r.next()) != RdbToken.END; ) {
            if (t == RdbToken.KEY) {
                keys++;
                if (skip != null) r.skipValue(skip);
            } else if (t == RdbToken.ELEMENT) {
                touch(r);
            }
        }
        return keys;
    }

    /** Every part of the current element, as a consumer would read it. */
    static void touch(RdbReader r) throws IOException {
        switch (r.elementKind()) {
            case STRING_VALUE, LIST_ITEM, SET_MEMBER -> r.item().toBytes();
            case ZSET_ENTRY -> {
                r.item().toBytes();
                r.score();
            }
            case HASH_ENTRY -> {
                r.item().toBytes();
                r.hashValue().toBytes();
                r.fieldExpireAtMs();
            }
            case STREAM_ENTRY -> {
                r.streamId();
                for (int i = 0; i < r.streamFieldCount(); i++) {
                    r.streamField(i).toBytes();
                    r.streamValue(i).toBytes();
                }
            }
            default -> {
            }
        }
    }
}
