package dev.salvor.aof;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * Coverage-guided fuzzing of the AOF reader (seeds: AOF files a real server wrote, one with a
 * transaction and one with an RDB preamble). Any input ends in commands or an
 * {@link AofFormatException}; anything else, a hang or running out of the small heap is a finding.
 */
class AofReaderFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void read(byte[] data) throws IOException {
        try (AofReader r = AofReader.of(new ByteArrayInputStream(data), "fuzz.aof", data.length)) {
            for (AofToken t; (t = r.next()) != AofToken.END; ) {
                if (t == AofToken.COMMAND) {
                    for (byte[] arg : r.argv()) {
                        if (arg == null) throw new AssertionError("a command with a missing argument");
                    }
                } else if (t == AofToken.ANNOTATION) {
                    r.annotation();
                }
            }
        } catch (AofFormatException damaged) {
            // a typed, located error: the right outcome for damaged bytes
        }
    }
}
