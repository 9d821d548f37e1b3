package dev.salvor.salvage;

import dev.salvor.export.NdjsonExporter;
import dev.salvor.rdb.RdbFormatException;
import dev.salvor.rdb.RdbReader;
import dev.salvor.rdb.RdbToken;

import java.io.IOException;

/** Exports what a salvage run recovers, with partial keys marked (for {@code export --salvage}). */
public final class ExportingListener implements SalvageListener {
    private final NdjsonExporter exporter;

    public ExportingListener(NdjsonExporter exporter) {
        this.exporter = exporter.keepPartial(true);
    }

    @Override
    public void record(RdbReader reader) throws IOException {
        if (reader.token() == RdbToken.FUNCTION) exporter.writeFunction(reader.functionLibraryName(), reader.functionCode());
    }

    @Override
    public void key(RdbReader reader) throws IOException {
        exporter.writeKey(reader, reader.db());
    }

    @Override
    public boolean keyInterrupted(RdbReader reader, RdbFormatException error) {
        return exporter.lastKeyPartial();
    }
}
