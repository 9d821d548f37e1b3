package dev.salvor.salvage;

import dev.salvor.rdb.ElementView;
import dev.salvor.rdb.KeyHeader;
import dev.salvor.rdb.RdbReader;
import dev.salvor.rdb.RdbToken;
import dev.salvor.rdb.ReadProgress;
import dev.salvor.rdb.RecordView;

import java.io.IOException;
import java.util.List;

/**
 * Feeds several visitors from one salvage run, each as if it were alone: a key's value is read as
 * the most demanding of them asks, elements go to those that asked for them, and every visitor
 * sees every key's end, whatever its place in the chain.
 */
public final class VisitorChain implements SalvageVisitor {
    private final List<SalvageVisitor> visitors;
    // Per key: which visitors asked for the elements.
    private final boolean[] wantsElements;

    public VisitorChain(SalvageVisitor... visitors) {
        this.visitors = List.of(visitors);
        this.wantsElements = new boolean[visitors.length];
    }

    @Override
    public void start(RdbReader.Context context, String magic, boolean headerDamaged) throws IOException {
        for (SalvageVisitor v : visitors) v.start(context, magic, headerDamaged);
    }

    @Override
    public void record(RdbToken token, RecordView record) throws IOException {
        for (SalvageVisitor v : visitors) v.record(token, record);
    }

    @Override
    public Value beginKey(KeyHeader key) throws IOException {
        return beginKey(key, false, false);
    }

    @Override
    public Value beginKey(KeyHeader key, boolean expiryUnknown, boolean tailUnverified) throws IOException {
        Value most = Value.FRAMING;
        for (int i = 0; i < wantsElements.length; i++) {
            Value v = visitors.get(i).beginKey(key, expiryUnknown, tailUnverified);
            wantsElements[i] = v == Value.ELEMENTS;
            if (v.compareTo(most) < 0) most = v;
        }
        return most;
    }

    @Override
    public void element(ElementView element) throws IOException {
        for (int i = 0; i < wantsElements.length; i++) {
            if (wantsElements[i]) visitors.get(i).element(element);
        }
    }

    @Override
    public void endKey(KeyHeader key) throws IOException {
        for (SalvageVisitor v : visitors) v.endKey(key);
    }

    @Override
    public void aborted(Exception error, ReadProgress progress) throws IOException {
        for (SalvageVisitor v : visitors) v.aborted(error, progress);
    }

    @Override
    public boolean keepsPartialKeys() {
        for (SalvageVisitor v : visitors) {
            if (v.keepsPartialKeys()) return true;
        }
        return false;
    }

    @Override
    public void partialKey(PartialKey key) throws IOException {
        for (SalvageVisitor v : visitors) {
            if (v.keepsPartialKeys()) v.partialKey(key);
        }
    }

    @Override
    public void damaged(CorruptRegion region) throws IOException {
        for (SalvageVisitor v : visitors) v.damaged(region);
    }

    @Override
    public void end(SalvageReport report) throws IOException {
        for (SalvageVisitor v : visitors) v.end(report);
    }
}
