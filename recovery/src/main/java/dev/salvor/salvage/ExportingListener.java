package dev.salvor.salvage;

import dev.salvor.export.NdjsonExporter;
import dev.salvor.rdb.RdbFormatException;
import dev.salvor.rdb.RdbReader;
import dev.salvor.rdb.RdbToken;

import java.io.IOException;
import java.nio.file.Path;

/** Exports what a salvage run recovers; the intact part of a damaged key is marked partial. */
public final class ExportingListener implements SalvageListener {
    private final NdjsonExporter exporter;

    public ExportingListener(NdjsonExporter exporter) {
        this.exporter = exporter;
    }

    @Override
    public void record(RdbReader reader) throws IOException {
        if (reader.token() == RdbToken.FUNCTION && exporter.includeFunctions()) exporter.writeFunction(reader.functionLibraryName(), reader.functionCode());
    }

    @Override
    public void key(RdbReader reader) throws IOException {
        exporter.writeKey(reader, reader.db());
    }

    @Override
    public void keyInDoubt(RdbReader reader, boolean expiryUnknown, boolean tailUnverified) throws IOException {
        exporter.writeKey(reader, reader.db(), expiryUnknown, tailUnverified);
    }

    @Override
    public boolean keyInterrupted(RdbReader reader, RdbFormatException error) throws IOException {
        PartialKey p = PartialKey.read(Path.of(reader.source()), reader.recordOffset(), reader.context(), error.reason());
        if (p == null) return false;
        if (p.stream() != null) exporter.writeStreamEntries(p.db(), p.key(), p.expireAtMs(), p.stream().entries(), p.stream().lastId(), true);
        else exporter.writeElements(p.db(), p.key(), p.type(), p.expireAtMs(), p.elements(), true);
        return true;
    }
}
