package dev.salvor.rdb;

import dev.salvor.fixtures.RestoreOracle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The corrupt-DUMP samples under {@code corrupt-dump/}: payloads from Redis's and Valkey's own
 * corrupt-dump tests, each named {@code <case>.<verdict>.dump} after the test it comes from and
 * the verdict the real servers gave it, with every server's verdict in {@code verdicts.tsv} (see
 * the README there and {@code rdb-parser/scripts/corrupt-dump-samples.py}, which made them).
 */
final class CorruptDumpSamples {
    /** One sample: its payload, and what each server did with it (loads, refused, crashed, or version). */
    record Sample(String name, Path file, String namedVerdict, int claimedVersion, Map<String, String> config,
                  Map<String, String> servers) {
        byte[] payload() {
            try {
                return Files.readAllBytes(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private CorruptDumpSamples() {
    }

    static Path dir() {
        try {
            return Path.of(CorruptDumpSamples.class.getResource("corrupt-dump/verdicts.tsv").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<Sample> all() throws IOException {
        Path dir = dir();
        List<String> lines = Files.readAllLines(dir.resolve("verdicts.tsv"));
        String[] header = lines.get(0).substring(2).split("\t");
        List<String> serverNames = Arrays.asList(header).subList(3, 3 + RestoreOracle.SERVERS.size());
        if (!serverNames.equals(RestoreOracle.SERVERS)) throw new IllegalStateException("verdicts.tsv columns " + serverNames);
        Map<String, Path> files = new LinkedHashMap<>();
        try (var s = Files.list(dir)) {
            s.filter(p -> p.toString().endsWith(".dump")).forEach(p -> {
                String n = p.getFileName().toString();
                files.put(n.substring(0, n.lastIndexOf('.', n.length() - 6)), p);
            });
        }
        List<Sample> out = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split("\t");
            Map<String, String> config = new LinkedHashMap<>();
            if (!f[2].equals("-")) {
                for (String kv : f[2].split(",")) config.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
            }
            Map<String, String> servers = new LinkedHashMap<>();
            for (int i = 0; i < serverNames.size(); i++) servers.put(serverNames.get(i), f[3 + i]);
            Path file = files.remove(f[0]);
            if (file == null) throw new IllegalStateException("no sample file for " + f[0]);
            String n = file.getFileName().toString();
            String verdict = n.substring(n.lastIndexOf('.', n.length() - 6) + 1, n.length() - 5);
            out.add(new Sample(f[0], file, verdict, Integer.parseInt(f[1]), config, servers));
        }
        if (!files.isEmpty()) throw new IllegalStateException("samples missing from verdicts.tsv: " + files.keySet());
        return out;
    }

    /** Cases whose verdict Salvor does not yet share with the servers (must keep failing until fixed). */
    static Set<String> tofix() throws IOException {
        Set<String> out = new TreeSet<>();
        for (String l : Files.readAllLines(dir().resolve("tofix.txt"))) {
            l = l.strip();
            if (!l.isEmpty() && !l.startsWith("#")) out.add(l);
        }
        return out;
    }

    /**
     * Salvor's verdict for a server that loads no modules (as the test servers): null when it
     * reads the whole payload as such a server would load it, else why not. A module value is
     * framed and checked by its opcodes, but only a server with that module can load it.
     */
    static String refusedByServerWithoutModules(byte[] payload) {
        RdbFormatException e = salvorRefuses(payload);
        if (e != null) return e.getMessage();
        try (RdbReader r = RdbReader.ofDumpPayload(payload, "payload")) {
            if (r.next() == RdbToken.KEY && r.type() == RedisType.MODULE) return "a value of module " + r.moduleName() + ", which the server does not have";
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return null;
    }

    /** Salvor's verdict: null when it reads the whole payload as a server would load it, else why not. */
    static RdbFormatException salvorRefuses(byte[] payload) {
        try (RdbReader r = RdbReader.ofDumpPayload(payload, "payload")) {
            while (r.next() != RdbToken.END) {
                // every element is decoded and checked
            }
            return null;
        } catch (RdbFormatException e) {
            return e;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
