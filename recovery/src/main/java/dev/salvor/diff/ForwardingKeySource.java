package dev.salvor.diff;

import dev.salvor.export.KeySelector;

import java.io.IOException;
import java.util.function.Consumer;

/**
 * A source that changes how another is scanned (sampled, checkpointed, ...) and hands every other
 * question to it unchanged: a subclass overrides only what it changes.
 */
public abstract class ForwardingKeySource implements KeySource {
    protected final KeySource inner;

    protected ForwardingKeySource(KeySource inner) {
        this.inner = inner;
    }

    @Override
    public String describe() {
        return inner.describe();
    }

    @Override
    public void scan(KeySelector selector, Consumer<KeyRecord> sink) throws IOException {
        inner.scan(selector, sink);
    }

    @Override
    public CollectedValue fetch(KeyRecord record) throws IOException {
        return inner.fetch(record);
    }

    @Override
    public boolean covers(int db) {
        return inner.covers(db);
    }

    @Override
    public long expectedKeys() throws IOException {
        return inner.expectedKeys();
    }

    @Override
    public long clockMs() throws IOException {
        return inner.clockMs();
    }

    @Override
    public java.util.List<String> notices() {
        return inner.notices();
    }

    @Override
    public boolean live() {
        return inner.live();
    }

    @Override
    public KeyRecord refetch(KeyRecord record) throws IOException {
        return inner.refetch(record);
    }

    @Override
    public void close() throws IOException {
        inner.close();
    }
}
