package dev.salvor.rdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.salvor.fixtures.Fixtures;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The facade: its states (failed included), chunked string values, skips, and hostile counts. */
class RdbReaderTest {
    private static RdbReader reader(byte[] file) {
        return RdbReader.of(new ByteArrayInputStream(file), "synthetic", file.length);
    }

    private static RdbReader trickled(byte[] file) {
        return RdbReader.of(RdbReaderRobustnessTest.trickle(file, 1, 0), "trickle", -1);
    }

    @Test
    void afterAnErrorTheReaderIsFailedAndKeepsItsPlaceForPostMortem() throws IOException {
        // A list whose second element claims more bytes than the file holds.
        byte[] file = new RdbFlavorTest.Rdb("REDIS0009").u8(0).str("before").str("v")
                .u8(1).str("list").len(3).str("a").len(60).raw("short".getBytes(StandardCharsets.US_ASCII)).finish(true);
        try (RdbReader r = reader(file)) {
            assertThat(r.next()).isEqualTo(RdbToken.HEADER);
            assertThat(r.next()).isEqualTo(RdbToken.SELECT_DB);
            assertThat(r.next()).isEqualTo(RdbToken.KEY);
            r.skipValue();
            assertThat(r.next()).isEqualTo(RdbToken.KEY);
            long record = r.recordOffset();
            assertThat(r.next()).isEqualTo(RdbToken.ELEMENT);
            RdbFormatException e = catchThrowableOfType(r::next, RdbFormatException.class);
            assertThat(e.reason()).isEqualTo(RdbFormatException.Reason.TRUNCATED);
            assertThat(e.key()).isEqualTo("list".getBytes(StandardCharsets.US_ASCII));
            assertThat(r.failed()).isTrue();
            // Every later call throws the same error; the accessors still say where it stopped.
            assertThatThrownBy(r::next).isSameAs(e);
            assertThatThrownBy(r::skipValue).isSameAs(e);
            assertThatThrownBy(() -> r.skipValue(RdbReader.Skip.FRAMING)).isSameAs(e);
            assertThat(r.inValue()).isTrue();
            assertThat(r.token()).isEqualTo(RdbToken.ELEMENT);
            assertThat(new String(r.key(), StandardCharsets.US_ASCII)).isEqualTo("list");
            assertThat(r.recordOffset()).isEqualTo(record);
            assertThat(r.elementCount()).isEqualTo(1);
            assertThat(r.context().db()).isZero();
        }
    }

    @Test
    void anErrorBetweenKeysLeavesTheReaderOutsideAValue() throws IOException {
        byte[] file = new RdbFlavorTest.Rdb("REDIS0009").u8(0).str("k").str("v").u8(0x30).str("next").finish(true);
        try (RdbReader r = reader(file)) {
            while (r.next() != RdbToken.KEY_END) {
                // to the end of the first key
            }
            RdbFormatException e = catchThrowableOfType(r::next, RdbFormatException.class);
            assertThat(e.reason()).isEqualTo(RdbFormatException.Reason.UNKNOWN_TYPE);
            assertThat(e.key()).isNull();
            assertThat(r.inValue()).isFalse();
            assertThat(r.failed()).isTrue();
            assertThatThrownBy(r::next).isSameAs(e);
        }
    }

    /** A value longer than the window: chunks of at most the window, the same bytes however the input is split. */
    @Test
    void longStringValuesComeInChunksWhicheverWayTheInputArrives() throws IOException {
        int window = 4096;
        ReadConstraints small = ReadConstraints.builder().windowSize(window).build();
        byte[] big = new byte[window * 5 + 3];
        new Random(7).nextBytes(big);
        LzfBytes lzf = new LzfBytes().literal("0123456789".getBytes(StandardCharsets.US_ASCII)).repeat(10, window * 3L);
        RdbFlavorTest.Rdb rdb = new RdbFlavorTest.Rdb("REDIS0011");
        rdb.u8(0).str("raw").len(big.length).raw(big);
        rdb.u8(0).str("lzf").raw(lzf.rdbString(lzf.produced()));
        rdb.u8(0).str("small").str("v");
        byte[] file = rdb.finish(true);
        for (boolean trickle : new boolean[] {false, true}) {
            List<byte[]> values = new ArrayList<>();
            try (RdbReader r = trickle ? RdbReader.of(RdbReaderRobustnessTest.trickle(file, 1, 0), "t", -1, small)
                    : RdbReader.of(new ByteArrayInputStream(file), "w", file.length, small)) {
                RdbToken t;
                while ((t = r.next()) != RdbToken.END) {
                    if (t != RdbToken.ELEMENT) continue;
                    if (!r.isChunked()) {
                        values.add(r.item().toBytes());
                        continue;
                    }
                    ByteArrayOutputStream got = new ByteArrayOutputStream();
                    while (r.nextChunk()) {
                        assertThat(r.chunk().length()).isLessThanOrEqualTo(window);
                        got.write(r.chunk().array(), r.chunk().offset(), r.chunk().length());
                    }
                    assertThat((long) got.size()).isEqualTo(r.chunkedLength());
                    values.add(got.toByteArray());
                }
                assertThat(r.checksumStatus()).isEqualTo(ChecksumStatus.OK);
            }
            assertThat(values).hasSize(3);
            assertThat(values.get(0)).isEqualTo(big);
            assertThat(new String(values.get(1), 0, 20, StandardCharsets.US_ASCII)).isEqualTo("01234567890123456789");
            assertThat(values.get(1)).hasSize((int) lzf.produced());
            assertThat(values.get(2)).isEqualTo("v".getBytes(StandardCharsets.US_ASCII));
        }
        // item() gathers the chunks; next() without reading them still checks them; a framing skip passes them.
        try (RdbReader r = RdbReader.of(new ByteArrayInputStream(file), "w", file.length, small)) {
            r.next();
            r.next();
            assertThat(r.next()).isEqualTo(RdbToken.KEY);
            assertThat(r.next()).isEqualTo(RdbToken.ELEMENT);
            assertThat(r.item().toBytes()).isEqualTo(big);
            assertThat(r.next()).isEqualTo(RdbToken.KEY_END);
            assertThat(r.next()).isEqualTo(RdbToken.KEY);
            assertThat(r.next()).isEqualTo(RdbToken.ELEMENT);
            assertThat(r.next()).isEqualTo(RdbToken.KEY_END);
            assertThat(r.next()).isEqualTo(RdbToken.KEY);
            r.skipValue(RdbReader.Skip.FRAMING);
            assertThat(r.token()).isEqualTo(RdbToken.KEY_END);
            assertThat(r.next()).isEqualTo(RdbToken.EOF);
            assertThat(r.checksumStatus()).isEqualTo(ChecksumStatus.OK);
        }
    }

    /** A string value declaring 400 MB of LZF output from a few MB of garbage fails without allocating it. */
    @Test
    void aHugeLzfClaimIsNotAllocated() throws IOException {
        byte[] garbage = new byte[5 << 20];
        new Random(9).nextBytes(garbage);
        garbage[0] = 31;
        for (boolean element : new boolean[] {false, true}) {
            RdbFlavorTest.Rdb rdb = new RdbFlavorTest.Rdb("REDIS0009");
            if (element) rdb.u8(2).str("set").len(1); // a set member rather than a string value
            else rdb.u8(0).str("string");
            ByteArrayOutputStream s = new ByteArrayOutputStream();
            s.write(0xc3);
            LzfBytes.writeLength(s, garbage.length);
            LzfBytes.writeLength(s, 400L << 20);
            s.writeBytes(garbage);
            byte[] file = rdb.raw(s.toByteArray()).finish(true);
            long before = Parts.allocated();
            try (RdbReader r = RdbReader.of(new ByteArrayInputStream(file), "lzf", file.length)) {
                RdbFormatException e = catchThrowableOfType(() -> RdbReaderRobustnessTest.digest(r), RdbFormatException.class);
                assertThat(e.reason()).isEqualTo(RdbFormatException.Reason.LZF_FAILURE);
            }
            assertThat(Parts.allocated() - before).as("allocated reading %s", element ? "a member" : "a value").isLessThan(64L << 20);
        }
    }

    /** The same claim in a DUMP payload (RESTORE's format, read from a live server or a payload set). */
    @Test
    void aHugeLzfClaimInADumpPayloadIsNotAllocated() throws IOException {
        byte[] garbage = new byte[2 << 20];
        new Random(11).nextBytes(garbage);
        garbage[0] = 31;
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(2); // a set
        p.write(1); // of one member
        p.write(0xc3);
        LzfBytes.writeLength(p, garbage.length);
        LzfBytes.writeLength(p, 170L << 20);
        p.writeBytes(garbage);
        p.write(10);
        p.write(0);
        byte[] body = p.toByteArray();
        long crc = Crc64.of(body, 0, body.length);
        byte[] payload = java.util.Arrays.copyOf(body, body.length + 8);
        for (int i = 0; i < 8; i++) payload[body.length + i] = (byte) (crc >>> (8 * i));
        long before = Parts.allocated();
        try (RdbReader r = RdbReader.ofDumpPayload(payload, "DUMP k")) {
            RdbFormatException e = catchThrowableOfType(() -> {
                while (r.next() != RdbToken.END) {
                    if (r.token() == RdbToken.ELEMENT) r.item();
                }
            }, RdbFormatException.class);
            assertThat(e.reason()).isEqualTo(RdbFormatException.Reason.LZF_FAILURE);
        }
        assertThat(Parts.allocated() - before).isLessThan(32L << 20);
    }

    /** A stream entry claiming four million fields in a 4 MiB node: refused before anything is sized by it. */
    @Test
    void aHugeStreamFieldCountIsNotAllocated() throws IOException {
        byte[] filler = new byte[4 << 20];
        java.util.Arrays.fill(filler, (byte) 'x');
        byte[] lp = DecodersTest.listpack(1L, 0L, 0L, 0L, 0L, 0L, 0L, 4_000_000L, new String(filler, StandardCharsets.US_ASCII), 0L);
        byte[] file = new RdbFlavorTest.Rdb("REDIS0011").u8(21).str("s").len(1).len(16).raw(new byte[16])
                .len(lp.length).raw(lp).finish(true);
        long before = Parts.allocated();
        try (RdbReader r = RdbReader.of(new ByteArrayInputStream(file), "stream", file.length)) {
            RdbFormatException e = catchThrowableOfType(() -> RdbReaderRobustnessTest.digest(r), RdbFormatException.class);
            assertThat(e.reason()).isEqualTo(RdbFormatException.Reason.INVALID_STREAM);
            assertThat(e.detail()).contains("field count 4000000");
        }
        assertThat(Parts.allocated() - before).isLessThan(64L << 20);
    }

    /** Every key of every real file: a framing skip ends where decoding ends, and the checksum still holds. */
    @Test
    void framingSkipEndsWhereDecodingEnds() throws IOException {
        for (Path p : Fixtures.intactRdbs()) {
            List<Long> decoded = new ArrayList<>();
            try (RdbReader r = RdbReader.open(p)) {
                RdbToken t;
                while ((t = r.next()) != RdbToken.END) if (t == RdbToken.KEY_END) decoded.add(r.keyEndOffset());
            }
            List<Long> skimmed = new ArrayList<>();
            try (RdbReader r = RdbReader.open(p)) {
                RdbToken t;
                while ((t = r.next()) != RdbToken.END) {
                    if (t == RdbToken.KEY) {
                        r.skipValue(RdbReader.Skip.FRAMING);
                        skimmed.add(r.keyEndOffset());
                    }
                }
                assertThat(r.checksumStatus()).as("%s", p).isIn(ChecksumStatus.OK, ChecksumStatus.ABSENT, ChecksumStatus.DISABLED);
            }
            assertThat(skimmed).as("%s", p).isEqualTo(decoded);
        }
    }

    /**
     * A check ({@link RdbReader#skipValue} with DECODE) does not decompress string values and hash
     * values nobody reads, yet must report what decoding them reports: on real files, bytes of LZF
     * string values and of plain hashes are changed, and the first error (offset, reason, text),
     * or the key ends and checksum when none, must be those of a walk that decodes every element.
     */
    @Test
    void checkingAValueReportsWhatDecodingItReports() throws IOException {
        Random rnd = new Random(154);
        int mutations = 0, errors = 0;
        for (Path p : Fixtures.intactRdbs()) {
            byte[] bytes = Files.readAllBytes(p);
            List<long[]> targets = new ArrayList<>();
            try (RdbReader r = RdbReader.open(p)) {
                RdbToken t;
                while ((t = r.next()) != RdbToken.END) {
                    if (t != RdbToken.KEY) continue;
                    long from = r.valueOffset();
                    r.skipValue();
                    boolean lzfString = r.encoding() == RdbEncoding.STRING && (bytes[(int) from] & 0xff) == 0xc3;
                    if (lzfString || r.encoding() == RdbEncoding.HASH_PLAIN) targets.add(new long[] {from, r.keyEndOffset()});
                }
            }
            if (targets.isEmpty()) continue;
            for (int m = 0; m < 40; m++) {
                long[] range = targets.get(rnd.nextInt(targets.size()));
                byte[] damaged = bytes.clone();
                int at = (int) (range[0] + rnd.nextInt((int) (range[1] - range[0])));
                damaged[at] = (byte) (m % 3 == 0 ? 0xff - (damaged[at] & 0xff) : rnd.nextInt(256));
                mutations++;
                String decoded = walk(damaged, false), checked = walk(damaged, true);
                assertThat(checked).as("%s, byte %d changed", p, at).isEqualTo(decoded);
                if (decoded.startsWith("error")) errors++;
            }
        }
        assertThat(mutations).isGreaterThan(200);
        assertThat(errors).as("mutations that the decoder refuses").isGreaterThan(mutations / 10);
    }

    /** The outcome of reading a whole file: every key's end and the checksum, or the first error. */
    private static String walk(byte[] file, boolean check) throws IOException {
        StringBuilder out = new StringBuilder();
        try (RdbReader r = reader(file)) {
            RdbToken t;
            while ((t = r.next()) != RdbToken.END) {
                if (t == RdbToken.KEY && check) {
                    r.skipValue();
                    out.append(r.keyEndOffset()).append(' ');
                } else if (t == RdbToken.ELEMENT && r.isChunked()) {
                    while (r.nextChunk()) {
                        // every piece decompressed
                    }
                } else if (t == RdbToken.KEY_END) {
                    out.append(r.keyEndOffset()).append(' ');
                }
            }
            out.append(r.checksumStatus());
        } catch (RdbFormatException e) {
            return "error " + e.reason() + " at " + e.offset() + ": " + e.getMessage() + " after " + out;
        }
        return out.toString();
    }

    /**
     * A string value ends in bytes no check covers unless it is stored as an integer: raw bytes,
     * and LZF data too (its last literal run is copied as it is). The encoding is read from the
     * value's first byte in the file, not from the reader.
     */
    @Test
    void stringValuesEndUncheckedUnlessStoredAsIntegers() throws IOException {
        int[] byEncoding = new int[3];
        for (Path p : Fixtures.intactRdbs()) {
            byte[] bytes = Files.readAllBytes(p);
            try (RdbReader r = RdbReader.open(p)) {
                RdbToken t;
                while ((t = r.next()) != RdbToken.END) {
                    if (t != RdbToken.KEY) continue;
                    r.skipValue();
                    if (r.encoding() != RdbEncoding.STRING) continue;
                    int b = bytes[(int) r.valueOffset()] & 0xff;
                    boolean integer = b >= 0xc0 && b <= 0xc2;
                    byEncoding[integer ? 0 : b == 0xc3 ? 1 : 2]++;
                    assertThat(r.endsUnchecked()).as("%s in %s (first byte 0x%x)", new String(r.key()), p, b).isEqualTo(!integer);
                }
            }
        }
        assertThat(java.util.Arrays.stream(byEncoding).min().getAsInt()).as("integer, LZF and raw string values seen: %s", java.util.Arrays.toString(byEncoding)).isGreaterThan(10);
    }

    @Test
    void constraintsBoundStringsElementsAndFields() throws IOException {
        byte[] file = new RdbFlavorTest.Rdb("REDIS0009").u8(1).str("list").len(3).str("a").str("bb").str("ccc").finish(true);
        ReadConstraints strings = ReadConstraints.builder().maxStringSize(2).build();
        try (RdbReader r = RdbReader.of(new ByteArrayInputStream(file), "s", file.length, strings)) {
            RdbFormatException e = catchThrowableOfType(() -> RdbReaderRobustnessTest.digest(r), RdbFormatException.class);
            assertThat(e.reason()).isEqualTo(RdbFormatException.Reason.LIMIT_EXCEEDED);
            assertThat(e.detail()).contains("3 bytes exceeds the limit of 2");
        }
        ReadConstraints elements = ReadConstraints.builder().maxElements(2).build();
        try (RdbReader r = RdbReader.of(new ByteArrayInputStream(file), "e", file.length, elements)) {
            RdbFormatException e = catchThrowableOfType(() -> RdbReaderRobustnessTest.digest(r), RdbFormatException.class);
            assertThat(e.reason()).isEqualTo(RdbFormatException.Reason.LIMIT_EXCEEDED);
            assertThat(e.detail()).contains("element count 3 exceeds the limit of 2");
        }
        byte[] lp = DecodersTest.listpack(1L, 0L, 0L, 0L, 0L, 0L, 0L, 3L, "f1", "v1", "f2", "v2", "f3", "v3", 10L);
        byte[] stream = new RdbFlavorTest.Rdb("REDIS0011").u8(21).str("s").len(1).len(16).raw(new byte[16]).len(lp.length).raw(lp)
                .len(1).len(0).len(1).len(0).len(0).len(0).len(0).len(1).len(0).finish(true);
        try (RdbReader r = RdbReader.of(new ByteArrayInputStream(stream), "ok", stream.length)) {
            RdbReaderRobustnessTest.digest(r);
        }
        ReadConstraints fields = ReadConstraints.builder().maxFields(2).build();
        try (RdbReader r = RdbReader.of(new ByteArrayInputStream(stream), "f", stream.length, fields)) {
            RdbFormatException e = catchThrowableOfType(() -> RdbReaderRobustnessTest.digest(r), RdbFormatException.class);
            assertThat(e.reason()).isEqualTo(RdbFormatException.Reason.LIMIT_EXCEEDED);
        }
    }
}
