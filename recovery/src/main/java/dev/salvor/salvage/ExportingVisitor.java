package dev.salvor.salvage;

import dev.salvor.export.NdjsonExporter;
import dev.salvor.rdb.ElementView;
import dev.salvor.rdb.KeyHeader;
import dev.salvor.rdb.RdbToken;
import dev.salvor.rdb.ReadProgress;
import dev.salvor.rdb.RecordView;

import java.io.IOException;

/** Exports what a salvage run recovers; the intact part of a damaged key is marked partial. */
public final class ExportingVisitor implements SalvageVisitor {
    private final NdjsonExporter exporter;

    public ExportingVisitor(NdjsonExporter exporter) {
        this.exporter = exporter;
    }

    @Override
    public void record(RdbToken token, RecordView record) throws IOException {
        exporter.record(token, record);
    }

    @Override
    public Value beginKey(KeyHeader key) throws IOException {
        return exporter.beginKey(key);
    }

    @Override
    public Value beginKey(KeyHeader key, boolean expiryUnknown, boolean tailUnverified) throws IOException {
        return exporter.beginKey(key, expiryUnknown, tailUnverified);
    }

    @Override
    public void element(ElementView element) throws IOException {
        exporter.element(element);
    }

    @Override
    public void endKey(KeyHeader key) throws IOException {
        exporter.endKey(key);
    }

    @Override
    public void aborted(Exception error, ReadProgress progress) throws IOException {
        exporter.aborted(error, progress);
    }

    @Override
    public boolean keepsPartialKeys() {
        return true;
    }

    @Override
    public void partialKey(PartialKey p) throws IOException {
        if (p.stream() != null) exporter.writeStreamEntries(p.db(), p.key(), p.expireAtMs(), p.stream().entries(), p.stream().lastId(), true);
        else exporter.writeElements(p.db(), p.key(), p.type(), p.expireAtMs(), p.elements(), true);
    }
}
