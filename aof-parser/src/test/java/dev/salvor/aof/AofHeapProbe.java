package dev.salvor.aof;

import java.nio.file.Path;

/** Reads an AOF or a manifest in a JVM of its own (see AofBoundsTest): what it found, on one line. */
public final class AofHeapProbe {
    private AofHeapProbe() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[1]);
        if (args[0].equals("manifest")) {
            AofManifest m = AofManifest.read(file);
            System.out.println("problems=" + m.problems().size() + " loaded=" + m.loaded().size() + " history=" + m.historyCount()
                    + (m.problems().isEmpty() ? "" : " first=" + m.problems().get(0)));
            return;
        }
        try (AofReader r = AofReader.open(file)) {
            long commands = 0;
            while (r.next() != AofToken.END) commands++;
            System.out.println("commands=" + commands);
        } catch (AofFormatException e) {
            System.out.println("error=" + e.reason() + " offset=" + e.offset());
        }
    }
}
