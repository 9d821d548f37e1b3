package dev.salvor.diff;

import dev.salvor.export.KeySelector;

import java.io.IOException;
import java.util.function.Consumer;

/**
 * A source read through a {@link KeySample}: only sampled keys reach the diff, and the keys the
 * filters selected ({@link #seen()}) and those sampled ({@link #sampled()}) are counted, so the
 * share really compared can be reported.
 */
public final class SampledSource implements KeySource {
    private final KeySource inner;
    private final KeySample sample;
    private long seen;
    private long sampled;

    public SampledSource(KeySource inner, KeySample sample) {
        this.inner = inner;
        this.sample = sample;
    }

    public long seen() {
        return seen;
    }

    public long sampled() {
        return sampled;
    }

    @Override
    public String describe() {
        return inner.describe();
    }

    @Override
    public void scan(KeySelector selector, Consumer<KeyRecord> sink) throws IOException {
        inner.scan((db, key, type) -> {
            if (!selector.select(db, key, type)) return false;
            seen++;
            if (!sample.contains(db, key)) return false;
            sampled++;
            return true;
        }, sink);
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
        return inner.expectedKeys(); // at most: the sample only lowers it
    }

    @Override
    public boolean live() {
        return inner.live();
    }

    @Override
    public long clockMs() throws IOException {
        return inner.clockMs();
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
