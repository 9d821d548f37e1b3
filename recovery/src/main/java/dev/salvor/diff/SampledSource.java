package dev.salvor.diff;

import dev.salvor.export.KeySelector;

import java.io.IOException;
import java.util.function.Consumer;

/**
 * A source read through a {@link KeySample}: only sampled keys reach the diff, and the keys the
 * filters selected ({@link #seen()}) and those sampled ({@link #sampled()}) are counted, so the
 * share really compared can be reported. Its expected key count is the inner source's: at most,
 * since the sample only lowers it.
 */
public final class SampledSource extends ForwardingKeySource {
    private final KeySample sample;
    private long seen;
    private long sampled;

    public SampledSource(KeySource inner, KeySample sample) {
        super(inner);
        this.sample = sample;
    }

    public long seen() {
        return seen;
    }

    public long sampled() {
        return sampled;
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

}
