package dev.salvor.diff;

import dev.salvor.export.KeySelector;
import dev.salvor.format.InputFile;
import dev.salvor.rdb.RdbFlavor;
import dev.salvor.rdb.RdbReader;
import dev.salvor.rdb.RdbToken;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * An RDB file as a diff source; a key's value is read again from its offset when detail is needed.
 * What is compared is what the server would hold after loading the file: a Valkey file's UPDATE
 * records are replayed ({@link UpdateReplay}).
 */
public final class RdbFileSource implements KeySource {
    private final Path file;
    private final String name;
    private RdbReader.Context context;
    /** Opened by the scan; a key's value is fetched again through it (never by the name again) until {@link #close}. */
    private InputFile input;
    /** The UPDATE commands of the last scan, replayed; null when the file has none. */
    private UpdateReplay replay;

    public RdbFileSource(Path file, String name) {
        this.file = file;
        this.name = name;
    }

    @Override
    public String describe() {
        return name;
    }

    @Override
    public void scan(KeySelector selector, Consumer<KeyRecord> sink) throws IOException {
        if (input == null) input = InputFile.open(file);
        replay = null;
        boolean prepared = false;
        try (RdbReader r = RdbReader.open(input)) {
            RdbToken t;
            while ((t = r.next()) != RdbToken.END) {
                if (t == RdbToken.HEADER) context = r.context();
                if (t != RdbToken.KEY && t != RdbToken.COMMAND) continue;
                if (!prepared) {
                    // Only Valkey 9+ writes UPDATE records: a first pass finds the keys their commands name.
                    prepared = true;
                    if (r.flavor() == RdbFlavor.VALKEY) replay = UpdateReplay.prepare(input, name);
                }
                if (t == RdbToken.COMMAND) {
                    if (replay != null) replay.apply(r.db(), r.commandArgs(), r.tokenOffset());
                    continue;
                }
                if (replay != null && replay.touched(r.db(), r.key())) {
                    replay.load(r, r.recordOffset());
                    continue;
                }
                if (replay != null && replay.flushedAfter(r.db(), r.recordOffset())) {
                    r.skipValue(RdbReader.Skip.FRAMING);
                    continue;
                }
                if (!selector.select(r.db(), r.key(), r.type())) {
                    r.skipValue();
                    continue;
                }
                long at = r.recordOffset();
                int db = r.db();
                byte[] key = r.key();
                long exp = r.expireAtMs();
                sink.accept(new KeyRecord(db, key, exp, ValueDigest.of(r), at));
            }
        }
        if (replay != null) replay.emit(selector, sink);
    }

    /**
     * Valkey's UPDATE records (commands the server runs while it loads the file) that were not
     * applied, or that stop the file from loading, each located; empty when all were applied.
     */
    @Override
    public java.util.List<String> notices() {
        return replay == null ? java.util.List.of() : replay.notices();
    }

    @Override
    public CollectedValue fetch(KeyRecord record) throws IOException {
        if (UpdateReplay.replayed(record.locator())) {
            if (replay == null) throw new IllegalStateException(name + ": fetch of a replayed key without its replay");
            return replay.fetch(record);
        }
        RdbReader.Context ctx = context.withDb(record.db());
        if (input == null) throw new IllegalStateException(name + ": fetch before scan");
        try (RdbReader r = RdbReader.resume(input, record.locator(), ctx)) {
            RdbToken t = r.next();
            if (t == RdbToken.COMPRESSED_BLOB) {
                // A key in a Dragonfly compressed blob is located at the blob: found in its records.
                while ((t = r.next()) != RdbToken.END && r.compressedBlob() != null) {
                    if (t != RdbToken.KEY) continue;
                    if (r.db() == record.db() && java.util.Arrays.equals(r.key(), record.key())) return CollectedValue.of(r);
                    r.skipValue(RdbReader.Skip.FRAMING);
                }
                throw new IOException(name + ": the key is not in the compressed blob at byte offset " + record.locator());
            }
            if (t != RdbToken.KEY) throw new IOException(name + ": no key at byte offset " + record.locator());
            return CollectedValue.of(r);
        }
    }

    @Override
    public boolean live() {
        return false;
    }

    @Override
    public void close() throws IOException {
        if (input != null) input.close();
        input = null;
    }
}
