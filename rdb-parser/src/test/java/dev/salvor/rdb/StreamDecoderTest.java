package dev.salvor.rdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Streams: nodes and entries (same-fields and deleted ones), metadata, groups checked as Redis checks them. */
class StreamDecoderTest {
    private static final DecoderHarness.Factory STREAM = p -> new StreamDecoder(p.in, p.strings, p.v, p.blob);

    /** A v3 stream value: one node, then metadata and the given groups part. */
    static byte[] stream(byte[] groups) {
        byte[] lp = DecodersTest.listpack(
                2L, 1L, 2L, "a", "b", 0L,            // master entry: 2 live, 1 deleted, fields a and b
                2L, 0L, 0L, "1", "2", 5L,            // 0-0: same fields as the master
                0L, 1L, 0L, 1L, "c", "3", 6L,        // 1-0: its own field
                3L, 2L, 0L, "x", "y", 5L);           // 2-0: deleted
        RdbFlavorTest.Rdb r = new RdbFlavorTest.Rdb("");
        r.len(1).len(16).raw(new byte[16]).len(lp.length).raw(lp);
        r.len(2).len(2).len(0).len(0).len(0).len(2).len(0).len(3); // length, last id, first id, max deleted id, entries added
        r.raw(groups);
        byte[] all = r.out.toByteArray();
        return Arrays.copyOfRange(all, 2, all.length);
    }

    static byte[] id(long ms, long seq) {
        byte[] b = new byte[16];
        for (int i = 0; i < 8; i++) {
            b[7 - i] = (byte) (ms >>> (8 * i));
            b[15 - i] = (byte) (seq >>> (8 * i));
        }
        return b;
    }

    static byte[] groups(String group, long[] groupPending, String consumer, long[] consumerPending) {
        RdbFlavorTest.Rdb r = new RdbFlavorTest.Rdb("");
        r.len(1).str(group).len(1).len(0).len(2).len(groupPending.length);
        for (long seq : groupPending) r.raw(id(seq, 0)).le64(1000).len(1);
        r.len(1).str(consumer).le64(1000).le64(1000).len(consumerPending.length);
        for (long seq : consumerPending) r.raw(id(seq, 0));
        byte[] all = r.out.toByteArray();
        return Arrays.copyOfRange(all, 2, all.length);
    }

    @Test
    void entriesMetadataAndGroups() throws Exception {
        byte[] value = stream(groups("g", new long[] {0, 1}, "c1", new long[] {1, 0}));
        DecoderHarness.Result r = DecoderHarness.run(STREAM, RdbEncoding.STREAM_LISTPACKS_3, value);
        assertThat(r.elements()).containsExactly("STREAM_ENTRY", "STREAM_ENTRY", "STREAM_META", "STREAM_GROUP", "STREAM_GROUP_PENDING",
                "STREAM_GROUP_PENDING", "STREAM_CONSUMER", "STREAM_CONSUMER_PENDING", "STREAM_CONSUMER_PENDING");
        assertThat(r.containers()).isEqualTo(1);
        assertThat(r.decodedEnd()).isEqualTo(value.length).isEqualTo(r.skimmedEnd());

        Parts p = new Parts(value);
        StreamDecoder d = new StreamDecoder(p.in, p.strings, p.v, p.blob);
        d.begin(RdbEncoding.STREAM_LISTPACKS_3, 0);
        List<String> entries = new ArrayList<>();
        while (d.next() && p.v.kind == ElementKind.STREAM_ENTRY) {
            StringBuilder sb = new StringBuilder(d.id.toString());
            for (int i = 0; i < d.fieldCount; i++) sb.append(' ').append(d.field(i)).append('=').append(d.value(i));
            entries.add(sb.toString());
        }
        assertThat(entries).containsExactly("0-0 a=1 b=2", "1-0 c=3");
        assertThat(d.length).isEqualTo(2);
        assertThat(d.lastId).isEqualTo(new StreamId(2, 0));
        assertThat(d.completedNodes).isEqualTo(1);
        assertThat(d.completedLastMs).isEqualTo(2);
    }

    @Test
    void groupChecksAsRedisLoadsThem() {
        byte[] notPending = stream(groups("g", new long[] {0}, "c1", new long[] {1}));
        RdbFormatException e = catchThrowableOfType(() -> DecoderHarness.run(STREAM, RdbEncoding.STREAM_LISTPACKS_3, notPending), RdbFormatException.class);
        assertThat(e.reason()).isEqualTo(RdbFormatException.Reason.INVALID_STREAM);
        assertThat(e.detail()).contains("not pending in its group");
        byte[] repeated = stream(groups("g", new long[] {1, 1}, "c1", new long[0]));
        RdbFormatException r = catchThrowableOfType(() -> DecoderHarness.run(STREAM, RdbEncoding.STREAM_LISTPACKS_3, repeated), RdbFormatException.class);
        assertThat(r.detail()).contains("repeats");
        // Servers write pending ids in order but only refuse repeats, and every pending id must be held by a consumer.
        byte[] unordered = stream(groups("g", new long[] {1, 0}, "c1", new long[] {0, 1}));
        assertThatCode(() -> DecoderHarness.run(STREAM, RdbEncoding.STREAM_LISTPACKS_3, unordered)).doesNotThrowAnyException();
        byte[] unheld = stream(groups("g", new long[] {0, 1}, "c1", new long[] {1}));
        RdbFormatException u = catchThrowableOfType(() -> DecoderHarness.run(STREAM, RdbEncoding.STREAM_LISTPACKS_3, unheld), RdbFormatException.class);
        assertThat(u.detail()).contains("pending id 0-0 is held by no consumer");
    }

    @Test
    void aFieldCountTheNodeCannotHoldIsRefusedBeforeAnythingIsSizedByIt() {
        byte[] lp = DecodersTest.listpack(1L, 0L, 0L, 0L, 0L, 0L, 0L, 1_000_000L, "f", "v", 6L);
        RdbFlavorTest.Rdb r = new RdbFlavorTest.Rdb("");
        r.len(1).len(16).raw(new byte[16]).len(lp.length).raw(lp);
        byte[] all = r.out.toByteArray();
        byte[] value = Arrays.copyOfRange(all, 2, all.length);
        long before = Parts.allocated();
        RdbFormatException e = catchThrowableOfType(() -> DecoderHarness.run(STREAM, RdbEncoding.STREAM_LISTPACKS_3, value), RdbFormatException.class);
        assertThat(Parts.allocated() - before).isLessThan(1 << 20);
        assertThat(e.reason()).isEqualTo(RdbFormatException.Reason.INVALID_STREAM);
        assertThat(e.detail()).isEqualTo("stream entry field count 1000000 is impossible");
    }

    @Test
    void manyFieldsAreReadFromWhereTheyAre() throws Exception {
        Object[] items = new Object[4 + 4 + 2 * 5000 + 1];
        int i = 0;
        for (Object o : new Object[] {1L, 0L, 0L, 0L, 0L, 0L, 0L, 5000L}) items[i++] = o;
        for (int f = 0; f < 5000; f++) {
            items[i++] = "f" + f;
            items[i++] = (long) f;
        }
        items[i] = 2L * 5000 + 4;
        byte[] lp = DecodersTest.listpack(items);
        RdbFlavorTest.Rdb r = new RdbFlavorTest.Rdb("");
        r.len(1).len(16).raw(new byte[16]).len(lp.length).raw(lp).len(1).len(0).len(0).len(0).len(0).len(0).len(0).len(1).len(0);
        byte[] all = r.out.toByteArray();
        Parts p = new Parts(Arrays.copyOfRange(all, 2, all.length));
        StreamDecoder d = new StreamDecoder(p.in, p.strings, p.v, p.blob);
        d.begin(RdbEncoding.STREAM_LISTPACKS_3, 0);
        assertThat(d.next()).isTrue();
        assertThat(d.fieldCount).isEqualTo(5000);
        assertThat(d.field(4321).toString()).isEqualTo("f4321");
        assertThat(d.value(4321).integer()).isEqualTo(4321);
        assertThat(d.field(0).toString()).isEqualTo("f0");
    }
}
