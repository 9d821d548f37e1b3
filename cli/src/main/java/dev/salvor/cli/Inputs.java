package dev.salvor.cli;

import dev.salvor.io.InputSource;
import dev.salvor.rdb.RdbReader;

import java.io.IOException;

/** Opens a command's input as an RDB reader: a FileChannel for plain files, a stream otherwise. */
final class Inputs {
    private Inputs() {
    }

    static RdbReader rdb(InputSource src) throws IOException {
        if (src.file() != null) {
            src.close();
            return RdbReader.open(src.file());
        }
        return RdbReader.of(src.stream(), src.name(), src.size());
    }
}
