package dev.salvor.salvage;

import dev.salvor.rdb.RdbFormatException;
import dev.salvor.rdb.RdbReader;

import java.io.IOException;
import java.util.List;

/**
 * Feeds several listeners from one salvage run. Only the first reads a key's value; the others
 * see the key afterwards (at its end, with its offsets).
 */
public final class ListenerChain implements SalvageListener {
    private final List<SalvageListener> listeners;

    public ListenerChain(SalvageListener... listeners) {
        this.listeners = List.of(listeners);
    }

    @Override
    public void start(RdbReader.Context context, String magic, boolean headerDamaged) throws IOException {
        for (SalvageListener l : listeners) l.start(context, magic, headerDamaged);
    }

    @Override
    public void record(RdbReader reader) throws IOException {
        for (SalvageListener l : listeners) l.record(reader);
    }

    @Override
    public void key(RdbReader reader) throws IOException {
        for (SalvageListener l : listeners) {
            l.key(reader);
            if (reader.inValue()) reader.skipValue(RdbReader.Skip.FRAMING);
        }
    }

    @Override
    public void keyInDoubt(RdbReader reader, boolean expiryUnknown, boolean tailUnverified) throws IOException {
        for (SalvageListener l : listeners) {
            l.keyInDoubt(reader, expiryUnknown, tailUnverified);
            if (reader.inValue()) reader.skipValue(RdbReader.Skip.FRAMING);
        }
    }

    @Override
    public boolean keyInterrupted(RdbReader reader, RdbFormatException error) throws IOException {
        boolean kept = false;
        for (SalvageListener l : listeners) kept |= l.keyInterrupted(reader, error);
        return kept;
    }

    @Override
    public void damaged(CorruptRegion region) throws IOException {
        for (SalvageListener l : listeners) l.damaged(region);
    }

    @Override
    public void end(SalvageReport report) throws IOException {
        for (SalvageListener l : listeners) l.end(report);
    }
}
