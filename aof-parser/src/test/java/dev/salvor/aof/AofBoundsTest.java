package dev.salvor.aof;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvor.fixtures.SmallHeap;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing is allocated from an untrusted number in an AOF or its manifest (9.5): each hostile
 * input is read in a JVM of 32 MiB, where an allocation sized by the declared number would fail.
 */
class AofBoundsTest {
    @TempDir
    Path tmp;

    @Test
    void aDeclaredArgumentCountAllocatesNothingByItself() throws Exception {
        // *8388608 with ten arguments present, in a file large enough that the count passes the
        // bytes-left check: 12 bytes per declared argument would be 100 MB.
        Path aof = tmp.resolve("argc.aof");
        try (RandomAccessFile f = new RandomAccessFile(aof.toFile(), "rw")) {
            f.write("*8388608\r\n".getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < 10; i++) f.write("$1\r\nx\r\n".getBytes(StandardCharsets.US_ASCII));
            f.setLength(40L << 20);
        }
        SmallHeap.Result r = SmallHeap.run("32m", AofHeapProbe.class, "aof", aof.toString());
        assertThat(r.outOfMemory()).as(r.output()).isFalse();
        assertThat(r.output()).contains("error=BAD_PREFIX offset=80");
    }

    @Test
    void aHugeOneLineManifestIsNotRead() throws Exception {
        Path m = tmp.resolve("huge.aof.manifest");
        try (RandomAccessFile f = new RandomAccessFile(m.toFile(), "rw")) {
            f.write("file ".getBytes(StandardCharsets.US_ASCII));
            f.setLength(1L << 30);
        }
        SmallHeap.Result r = SmallHeap.run("32m", AofHeapProbe.class, "manifest", m.toString());
        assertThat(r.outOfMemory()).as(r.output()).isFalse();
        assertThat(r.output()).contains("problems=1").contains("more than any server writes");
    }

    @Test
    void aMillionCommentLinesAndHalfAMillionHistoryEntriesStayWithinASmallHeap() throws Exception {
        Files.writeString(tmp.resolve("a.aof.1.base.aof"), "*1\r\n$4\r\nPING\r\n");
        Path comments = tmp.resolve("a.aof.manifest");
        try (BufferedWriter w = Files.newBufferedWriter(comments, StandardCharsets.ISO_8859_1)) {
            for (int i = 0; i < 1_000_000; i++) w.write("#" + i % 10 + "\n");
            w.write("file a.aof.1.base.aof seq 1 type b\n");
        }
        SmallHeap.Result r = SmallHeap.run("32m", AofHeapProbe.class, "manifest", comments.toString());
        assertThat(r.outOfMemory()).as(r.output()).isFalse();
        assertThat(r.output()).contains("problems=0 loaded=1 history=0");

        Path history = tmp.resolve("h.aof.manifest");
        long entries = 0;
        try (BufferedWriter w = Files.newBufferedWriter(history, StandardCharsets.ISO_8859_1)) {
            w.write("file a.aof.1.base.aof seq 1 type b\n");
            for (; entries < 548_000; entries++) w.write("file h" + entries + " seq " + (entries + 2) + " type h\n");
        }
        assertThat(Files.size(history)).isLessThanOrEqualTo(AofManifest.MAX_BYTES);
        r = SmallHeap.run("32m", AofHeapProbe.class, "manifest", history.toString());
        assertThat(r.outOfMemory()).as(r.output()).isFalse();
        assertThat(r.output()).contains("problems=0 loaded=1 history=" + entries);
    }
}
