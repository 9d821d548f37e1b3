package dev.salvor.diff;

import dev.salvor.export.KeySelector;
import dev.salvor.rdb.RdbReader;
import dev.salvor.rdb.RdbToken;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;

/** An RDB file as a diff source; a key's value is read again from its offset when detail is needed. */
public final class RdbFileSource implements KeySource {
    private final Path file;
    private final String name;
    private RdbReader.Context context;

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
        try (RdbReader r = RdbReader.open(file)) {
            RdbToken t;
            while ((t = r.next()) != RdbToken.END) {
                if (t == RdbToken.HEADER) context = r.context();
                if (t != RdbToken.KEY) continue;
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
    }

    @Override
    public CollectedValue fetch(KeyRecord record) throws IOException {
        RdbReader.Context ctx = context.withDb(record.db());
        try (RdbReader r = RdbReader.resume(file, record.locator(), ctx)) {
            if (r.next() != RdbToken.KEY) throw new IOException(name + ": no key at byte offset " + record.locator());
            return CollectedValue.of(r);
        }
    }

    @Override
    public boolean live() {
        return false;
    }

    @Override
    public void close() {
    }
}
