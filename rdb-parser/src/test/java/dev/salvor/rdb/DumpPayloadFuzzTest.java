package dev.salvor.rdb;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.IOException;

/**
 * Coverage-guided fuzzing of DUMP payloads (the form of {@code diff}'s DUMP sets and of RESTORE;
 * seeds: the payload of one real key per encoding). Any input ends in the value or an
 * {@link RdbFormatException}; anything else is a finding.
 */
class DumpPayloadFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void read(byte[] data) throws IOException {
        try (RdbReader r = RdbReader.ofDumpPayload(data, "fuzz")) {
            RdbReaderFuzzTest.keys(r, null);
        } catch (RdbFormatException damaged) {
            // a typed, located error: the right outcome for damaged bytes
        }
    }
}
