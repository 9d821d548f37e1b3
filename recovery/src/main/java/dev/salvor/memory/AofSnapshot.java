package dev.salvor.memory;

import dev.salvor.aof.AofLayout;
import dev.salvor.aof.AofSegment;
import dev.salvor.format.FileRanges;
import dev.salvor.io.InputException;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The snapshot an AOF holds: the RDB preamble at the head of a single-file AOF, or a multi-part
 * AOF's base. Its memory is what {@code salvor memory} estimates; the commands after it (and the
 * incremental files) would need replaying, which it does not do, and says so in a note.
 *
 * @param aof              the AOF as named (a file, an appendonlydir or a manifest)
 * @param base             the segment that starts as an RDB file
 * @param incrementalFiles how many incremental files follow it
 */
public record AofSnapshot(Path aof, AofSegment base, int incrementalFiles) {
    /** @throws InputException when no segment of the AOF starts as an RDB file (an AOF of commands only) */
    public static AofSnapshot of(Path aof) throws IOException {
        AofLayout layout = AofLayout.of(aof);
        AofSegment base = null;
        int incr = 0;
        for (AofSegment s : layout.segments()) {
            if (s.kind() == AofSegment.Kind.INCR) incr++;
            if ((s.kind() == AofSegment.Kind.BASE || s.kind() == AofSegment.Kind.SINGLE) && startsAsRdb(s.file())) base = s;
        }
        if (base == null) {
            throw new InputException(aof + ": this AOF has no RDB preamble, only commands; its memory needs them replayed: "
                    + "load it in a server, SAVE, and run salvor memory on the snapshot");
        }
        return new AofSnapshot(aof, base, incr);
    }

    private static boolean startsAsRdb(Path file) throws IOException {
        try (FileChannel ch = AofSegment.open(file)) {
            byte[] b = new byte[6];
            String head = new String(b, 0, FileRanges.read(ch, 0, b, 0, b.length), StandardCharsets.ISO_8859_1);
            return head.startsWith("REDIS") || head.startsWith("VALKEY");
        }
    }

    /** The size of the snapshot's file (what a progress bar counts to). */
    public long sizeBytes() throws IOException {
        return Files.size(base.file());
    }

    /** What the report says of the AOF: which file's snapshot it is, and that later commands are not replayed. */
    String note() {
        return "AOF: the RDB preamble of " + base.name() + " only; commands after it"
                + (incrementalFiles > 0 ? " (and " + incrementalFiles + " incremental file" + (incrementalFiles == 1 ? "" : "s") + ")" : "") + " are not replayed";
    }
}
