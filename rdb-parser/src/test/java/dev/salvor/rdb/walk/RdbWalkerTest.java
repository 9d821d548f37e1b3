package dev.salvor.rdb.walk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvor.fixtures.Fixtures;
import dev.salvor.rdb.ElementView;
import dev.salvor.rdb.KeyHeader;
import dev.salvor.rdb.RdbFormatException;
import dev.salvor.rdb.RdbReader;
import dev.salvor.rdb.RdbToken;
import dev.salvor.rdb.ReadProgress;
import dev.salvor.rdb.RecordView;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The walker feeds visitors what the reader reads, each key as its visitor asks. */
class RdbWalkerTest {
    private static final Path FILE = Fixtures.resolve("rdb/redis-7.0/dataset-nocompress.rdb");

    /** Records what it is told; reads every third key element by element, decodes the next, skims the one after. */
    static final class Recorder implements RdbVisitor {
        final List<String> events = new ArrayList<>();
        long elements;
        int keys;
        Exception aborted;
        ReadProgress where;

        @Override
        public void record(RdbToken token, RecordView record) {
            events.add(token.name());
        }

        @Override
        public Value beginKey(KeyHeader key) {
            events.add("key " + new String(key.key()));
            return Value.values()[keys++ % 3];
        }

        @Override
        public void element(ElementView element) {
            elements++;
        }

        @Override
        public void endKey(KeyHeader key) {
            events.add("end " + key.keyEndOffset());
        }

        @Override
        public void aborted(Exception error, ReadProgress progress) {
            aborted = error;
            where = progress;
        }
    }

    @Test
    void everyKeyIsReadAsItsVisitorAsksAndEndsWhereAFullReadEnds() throws IOException {
        List<String> expected = new ArrayList<>();
        long elementsOfEveryThirdKey = 0;
        try (RdbReader r = RdbReader.open(FILE)) {
            RdbToken t;
            int key = 0;
            while ((t = r.next()) != RdbToken.END) {
                if (t == RdbToken.KEY) {
                    expected.add("key " + new String(r.key()));
                    boolean counted = key++ % 3 == 0;
                    while (r.next() == RdbToken.ELEMENT) if (counted) elementsOfEveryThirdKey++;
                    expected.add("end " + r.keyEndOffset());
                } else {
                    expected.add(t.name());
                }
            }
        }
        Recorder v = new Recorder();
        List<Long> progress = new ArrayList<>();
        try (RdbReader r = RdbReader.open(FILE)) {
            RdbWalker.walk(r, v, Long.MAX_VALUE, progress::add);
        }
        assertThat(v.events).isEqualTo(expected);
        assertThat(v.elements).isEqualTo(elementsOfEveryThirdKey).isPositive();
        assertThat(v.aborted).isNull();
        assertThat(progress).isNotEmpty().last().isEqualTo(Files.size(FILE));
    }

    @Test
    void aWalkUpToAnOffsetStopsBeforeTheRecordThatStartsThere() throws IOException {
        long third;
        try (RdbReader r = RdbReader.open(FILE)) {
            int keys = 0;
            RdbToken t;
            while ((t = r.next()) != RdbToken.KEY || ++keys < 3) {
                if (t == RdbToken.KEY) r.skipValue();
            }
            third = r.tokenOffset();
        }
        Recorder v = new Recorder();
        try (RdbReader r = RdbReader.open(FILE)) {
            RdbWalker.walk(r, v, third, null);
        }
        assertThat(v.keys).isEqualTo(2);
    }

    @Test
    void anErrorIsToldToTheVisitorWithWhereItStoppedThenThrown() throws IOException {
        byte[] file = Files.readAllBytes(FILE);
        byte[] cut = Arrays.copyOf(file, file.length / 2);
        Recorder v = new Recorder();
        try (RdbReader r = RdbReader.of(new ByteArrayInputStream(cut), "cut", cut.length)) {
            RdbFormatException e = org.assertj.core.api.Assertions.catchThrowableOfType(() -> RdbWalker.walk(r, v), RdbFormatException.class);
            assertThat(e).isNotNull().isSameAs(v.aborted);
            assertThat(v.where.offset()).isLessThanOrEqualTo(cut.length);
            assertThat(v.where.recordOffset()).isLessThan(cut.length);
        }
    }

    @Test
    void oneKeyForCallersThatPullRecordsThemselves() throws IOException {
        try (RdbReader r = RdbReader.open(FILE)) {
            while (r.next() != RdbToken.KEY) {
                // to the first key
            }
            Recorder v = new Recorder();
            RdbWalker.key(r, v);
            assertThat(r.token()).isEqualTo(RdbToken.KEY_END);
            assertThat(v.events).hasSize(2);
            assertThat(v.events.get(1)).isEqualTo("end " + r.keyEndOffset());
        }
    }
}
