package dev.salvor.repair;

import dev.salvor.aof.AofLayout;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/** Repairs an AOF in a JVM of its own (see AofBoundedMemoryTest) and prints what the report says. */
public final class AofBoundedTransactionProbe {
    private AofBoundedTransactionProbe() {
    }

    public static void main(String[] args) throws Exception {
        Path in = Path.of(args[0]);
        try (OutputStream out = Files.newOutputStream(Path.of(args[1]))) {
            AofRepairReport r = new AofRepairer(AofLayout.of(in), seg -> new java.io.FilterOutputStream(out) {
                @Override
                public void close() throws java.io.IOException {
                    flush();
                }
            }, false, -1, Set.of()).run();
            System.out.println("read=" + r.commandsRead() + " kept=" + r.commandsKept() + " dropped=" + r.commandsDropped()
                    + " regions=" + r.regions().size() + " reason=" + (r.regions().isEmpty() ? "" : r.regions().get(0).reason()));
        }
    }
}
