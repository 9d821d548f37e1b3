package dev.salvor.rdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvor.fixtures.RdbBuilder;
import dev.salvor.fixtures.RdbBuilder.IdmpProducer;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Redis 8.6 and 8.8 streams (types 26 and 27): the idempotent-producer state after the consumer
 * groups, and per group the ids nacked back to it. Built byte by byte with the contents of redis/librdb's
 * {@code test/dumps/stream_v13} and {@code stream_v14_xnack} dumps and read back as librdb's
 * expectations for them state.
 */
class StreamV4V5Test {
    static List<String> read(byte[] file) throws IOException {
        List<String> out = new ArrayList<>();
        try (RdbReader r = RdbReader.of(new ByteArrayInputStream(file), "synthetic", file.length)) {
            RdbToken t;
            while ((t = r.next()) != RdbToken.END) {
                if (t == RdbToken.KEY) out.add("key " + new String(r.key()) + " " + r.encoding());
                if (t == RdbToken.EOF) out.add("eof " + r.checksumStatus());
                if (t != RdbToken.ELEMENT) continue;
                switch (r.elementKind()) {
                    case STREAM_ENTRY -> {
                        StringBuilder sb = new StringBuilder("entry " + r.streamId());
                        for (int i = 0; i < r.streamFieldCount(); i++) sb.append(' ').append(r.streamField(i)).append('=').append(r.streamValue(i));
                        out.add(sb.toString());
                    }
                    case STREAM_META -> out.add("meta length " + r.streamLength() + " last " + r.streamLastId() + " first " + r.streamFirstId()
                            + " maxdel " + r.streamMaxDeletedId() + " added " + r.streamEntriesAdded());
                    case STREAM_GROUP -> out.add("group " + r.groupName() + " last " + r.groupLastId() + " read " + r.groupEntriesRead());
                    case STREAM_GROUP_PENDING -> out.add("pending " + r.pendingId() + " sent " + r.deliveryTimeMs() + " count " + r.deliveryCount());
                    case STREAM_CONSUMER -> out.add("consumer " + r.consumerName() + " active " + r.activeTimeMs() + " seen " + r.seenTimeMs());
                    case STREAM_CONSUMER_PENDING -> out.add("consumer pending " + r.pendingId());
                    case STREAM_NACKED -> out.add("nacked " + r.pendingId());
                    case STREAM_IDMP -> out.add("idmp duration " + r.idmpDuration() + " max " + r.idmpMaxEntries() + " producers " + r.idmpProducers());
                    case STREAM_IDMP_PRODUCER -> out.add("producer " + r.idmpProducer() + " entries " + r.idmpProducerEntries());
                    case STREAM_IDMP_ENTRY -> out.add("iid " + r.idmpIid() + " " + r.idmpStreamId());
                    case STREAM_IDMP_STATS -> out.add("added " + r.idmpIidsAdded() + " duplicates " + r.idmpIidsDuplicates());
                    default -> out.add(r.elementKind().name());
                }
            }
        }
        return out;
    }

    /** librdb test/dumps/stream_v13.json: three entries, two producers with one entry each. */
    static byte[] streamV13() {
        long ms = 1771945454291L;
        return new RdbBuilder("REDIS0013").aux("redis-ver", "8.6.0").selectDb(0, 1, 0)
                .key(26, "stream_lp1_cg2_pel1_prod2_ent1").len(1)
                .streamNode(ms, 0, new Object[] {0L, 0L, "field1", "value1"}, new Object[] {0L, 1L, "idmp_field", "prod1_ent1"},
                        new Object[] {0L, 2L, "idmp_field", "prod2_ent1"})
                // v2+ metadata (librdb parser.c ST_LOAD_METADATA): length, last id, first id, max deleted id, entries added.
                .len(3).len(ms).len(2).len(ms).len(0).len(0).len(0).len(3)
                .len(0) // consumer groups
                .streamIdmp(100, 100, 2, 0,
                        new IdmpProducer("producer1", new Object[] {"iid_p1_e1", ms, 1L}),
                        new IdmpProducer("producer2", new Object[] {"iid_p2_e1", ms, 2L}))
                .finish();
    }

    /** librdb test/dumps/stream_v14_xnack.json: four entries, one group with four pending, one consumer with two, two nacked. */
    static byte[] streamV14() {
        long t0 = 1779170191996L;
        long sent = 1779170192004L;
        RdbBuilder b = new RdbBuilder("REDIS0014").aux("redis-ver", "8.8.0").selectDb(0, 1, 0).key(27, "mystream").len(1)
                .streamNode(t0, 0, new Object[] {0L, 0L, "field1", "value1"}, new Object[] {2L, 0L, "field2", "value2"},
                        new Object[] {4L, 0L, "field3", "value3"}, new Object[] {5L, 0L, "field4", "value4"})
                .len(4).len(t0 + 5).len(0).len(t0).len(0).len(0).len(0).len(4)
                .len(1) // one group (librdb parser.c ST_LOAD_NEXT_CONS_GROUP): name, last id, entries read, pending count
                .str("mygroup").len(t0 + 5).len(0).len(4).len(4);
        long[][] pel = {{t0, sent}, {t0 + 2, 0}, {t0 + 4, 0}, {t0 + 5, sent}};
        for (long[] p : pel) b.rawStreamId(p[0], 0).le64(p[1]).len(1); // 16-byte id, delivery time, delivery count
        b.len(1).str("consumer1").le64(sent).le64(sent) // consumers: name, seen time, active time (v3+)
                .len(2).rawStreamId(t0, 0).rawStreamId(t0 + 5, 0)
                .len(2).rawStreamId(t0 + 2, 0).rawStreamId(t0 + 4, 0) // nacked ids (ST_LOAD_NACK_ZONE_COUNT / _ENTRY)
                .streamIdmp(0, 0, 0, 0);
        return b.finish();
    }

    @Test
    void v4StreamWithIdempotentProducers() throws IOException {
        long ms = 1771945454291L;
        assertThat(read(streamV13())).containsExactly(
                "key stream_lp1_cg2_pel1_prod2_ent1 STREAM_LISTPACKS_4",
                "entry " + ms + "-0 field1=value1",
                "entry " + ms + "-1 idmp_field=prod1_ent1",
                "entry " + ms + "-2 idmp_field=prod2_ent1",
                "meta length 3 last " + ms + "-2 first " + ms + "-0 maxdel 0-0 added 3",
                "idmp duration 100 max 100 producers 2",
                "producer producer1 entries 1",
                "iid iid_p1_e1 " + ms + "-1",
                "producer producer2 entries 1",
                "iid iid_p2_e1 " + ms + "-2",
                "added 2 duplicates 0",
                "eof OK");
    }

    @Test
    void v5StreamWithNackedIds() throws IOException {
        long t0 = 1779170191996L;
        long sent = 1779170192004L;
        assertThat(read(streamV14())).containsExactly(
                "key mystream STREAM_LISTPACKS_5",
                "entry " + t0 + "-0 field1=value1",
                "entry " + (t0 + 2) + "-0 field2=value2",
                "entry " + (t0 + 4) + "-0 field3=value3",
                "entry " + (t0 + 5) + "-0 field4=value4",
                "meta length 4 last " + (t0 + 5) + "-0 first " + t0 + "-0 maxdel 0-0 added 4",
                "group mygroup last " + (t0 + 5) + "-0 read 4",
                "pending " + t0 + "-0 sent " + sent + " count 1",
                "pending " + (t0 + 2) + "-0 sent 0 count 1",
                "pending " + (t0 + 4) + "-0 sent 0 count 1",
                "pending " + (t0 + 5) + "-0 sent " + sent + " count 1",
                "consumer consumer1 active " + sent + " seen " + sent,
                "consumer pending " + t0 + "-0",
                "consumer pending " + (t0 + 5) + "-0",
                "nacked " + (t0 + 2) + "-0",
                "nacked " + (t0 + 4) + "-0",
                "idmp duration 0 max 0 producers 0",
                "added 0 duplicates 0",
                "eof OK");
    }

    @Test
    void aFramingWalkReadsTheNewTails() throws IOException {
        for (byte[] f : List.of(streamV13(), streamV14())) {
            try (RdbReader r = RdbReader.of(new ByteArrayInputStream(f), "synthetic", f.length)) {
                while (r.next() != RdbToken.KEY) {
                    // to the stream
                }
                r.skipValue(RdbReader.Skip.FRAMING);
                assertThat(r.next()).isEqualTo(RdbToken.EOF);
                assertThat(r.checksumStatus()).isEqualTo(ChecksumStatus.OK);
            }
        }
        assertThat(RdbEncoding.STREAM_LISTPACKS_4.writtenBy(13)).isTrue();
        assertThat(RdbEncoding.STREAM_LISTPACKS_5.writtenBy(13)).isFalse();
        assertThat(RdbEncoding.of(26, RdbFlavor.VALKEY)).isNull();
    }
}
