package dev.salvor.memory;

import dev.salvor.fixtures.Fixtures;
import dev.salvor.fixtures.ServerBinaries;
import dev.salvor.rdb.RdbReader;
import dev.salvor.rdb.RdbToken;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The model against real servers: each fixture file is loaded by the server of its own version
 * (Debian's redis-server 7.0, built with jemalloc; ../shared/servers 7.2, 7.4, 8.0-m01 and Valkey 8.0,
 * built with MALLOC=libc), which reports MEMORY USAGE for every key and its dataset memory. The
 * model is chosen from what the server itself reports (its version and mem_allocator), never from
 * the file.
 */
class MemoryUsageAccuracyTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"redis-7.0", "redis-7.2", "redis-7.4", "redis-8.0-m01", "valkey-8.0"})
    void estimatesMatchWhatTheServerSays(String name) throws Exception {
        String binary = ServerBinaries.binaryFor(name);
        Path rdb = Fixtures.resolve("rdb/" + name + "/dataset.rdb");
        ServerMeasurement real = ServerMeasurement.measure(binary, rdb, tmp);
        MemoryModel model = new MemoryModel(ServerFamily.ofVersion(real.version(), real.valkey()), Allocator.of(real.allocator()), ServerConfig.DEFAULTS);

        List<Double> errors = new ArrayList<>();
        long dataset = 0;
        long usageSum = 0;
        long realSum = 0;
        KeyEstimator estimator = new KeyEstimator(model);
        try (RdbReader r = RdbReader.open(rdb)) {
            RdbToken t;
            while ((t = r.next()) != RdbToken.END) {
                if (t != RdbToken.KEY) continue;
                KeyMemory k = estimator.read(r);
                Long truth = real.usage().get(ServerMeasurement.id(k.db(), k.key()));
                assertThat(truth).as("key %s of db %d is on the server", new String(k.key(), StandardCharsets.UTF_8), k.db()).isNotNull();
                errors.add((k.bytes() - truth) / (double) truth);
                dataset += k.datasetBytes();
                usageSum += k.bytes();
                realSum += truth;
            }
        }
        assertThat(errors).hasSize(real.usage().size());
        double[] abs = errors.stream().mapToDouble(Math::abs).sorted().toArray();
        long within10 = Arrays.stream(abs).filter(e -> e <= 0.10).count();
        double datasetError = (dataset - real.keysDataset()) / (double) real.keysDataset();
        String line = String.format(Locale.ROOT,
                "%s (%s, %s): %d keys; exact %.1f%%, within 1%% %.1f%%, within 5%% %.1f%%, within 10%% %.1f%%; median |error| %.2f%%, p95 %.2f%%, max %.1f%%; "
                        + "sum of MEMORY USAGE %d vs %d (%+.2f%%); dataset %d vs %d (%+.2f%%)",
                name, model.describe(), real.version(), abs.length, share(abs, 0), share(abs, 0.01), share(abs, 0.05), share(abs, 0.10),
                100 * pct(abs, 0.5), 100 * pct(abs, 0.95), 100 * abs[abs.length - 1], usageSum, realSum, 100.0 * (usageSum - realSum) / realSum,
                dataset, real.keysDataset(), 100 * datasetError);
        // The peers' published models on the same keys, against the same server.
        StringBuilder peers = new StringBuilder();
        double bestPeer = 0;
        for (String peer : List.of("redis-rdb-tools", "hdt3213-rdb")) {
            List<Double> pe = new ArrayList<>();
            long peerSum = 0;
            try (RdbReader r = RdbReader.open(rdb)) {
                RdbToken t;
                while ((t = r.next()) != RdbToken.END) {
                    if (t != RdbToken.KEY) continue;
                    byte[] key = r.key();
                    int db = r.db();
                    long est = peer.equals("redis-rdb-tools") ? PeerModels.rdbTools(r) : PeerModels.hdt3213(r);
                    long truth = real.usage().get(ServerMeasurement.id(db, key));
                    pe.add((est - truth) / (double) truth);
                    peerSum += est;
                }
            }
            double[] pa = pe.stream().mapToDouble(Math::abs).sorted().toArray();
            bestPeer = Math.max(bestPeer, share(pa, 0.10));
            peers.append(String.format(Locale.ROOT, "%n  %s on %s: exact %.1f%%, within 1%% %.1f%%, within 10%% %.1f%%; median |error| %.1f%%, p95 %.1f%%, max %.0f%%; sum %d vs %d (%+.1f%%)",
                    peer, name, share(pa, 0), share(pa, 0.01), share(pa, 0.10), 100 * pct(pa, 0.5), 100 * pct(pa, 0.95), 100 * pa[pa.length - 1],
                    peerSum, realSum, 100.0 * (peerSum - realSum) / realSum));
        }
        System.out.println(line + peers);
        Path report = Path.of("target", "memory-accuracy");
        Files.createDirectories(report);
        Files.writeString(report.resolve(name + ".txt"), line + peers + "\n");
        assertThat(share(abs, 0.10)).as("Salvor's model against the peers' on %s", name).isGreaterThan(bestPeer);

        assertThat(within10).as("keys within 10%% of MEMORY USAGE on %s", name).isGreaterThanOrEqualTo((long) Math.ceil(0.90 * abs.length));
        assertThat(Math.abs(datasetError)).as("dataset total error on %s: %s", name, line).isLessThanOrEqualTo(0.05);
    }

    /** The shared corpus's 50,000-key file (../shared/fixtures/medium, written by Debian's 7.0), loaded by that server. */
    @org.junit.jupiter.api.Test
    void atScaleOnTheMediumFixture() throws Exception {
        Path rdb = PeerModelsTest.shared("fixtures/medium/medium.rdb");
        ServerMeasurement real = ServerMeasurement.measure(ServerBinaries.binaryFor(ServerBinaries.LOCAL_NAME), rdb, tmp);
        MemoryModel model = new MemoryModel(ServerFamily.ofVersion(real.version(), real.valkey()), Allocator.of(real.allocator()), ServerConfig.DEFAULTS);
        KeyEstimator estimator = new KeyEstimator(model);
        List<Double> errors = new ArrayList<>();
        long dataset = 0;
        try (RdbReader r = RdbReader.open(rdb)) {
            RdbToken t;
            while ((t = r.next()) != RdbToken.END) {
                if (t != RdbToken.KEY) continue;
                KeyMemory k = estimator.read(r);
                long truth = real.usage().get(ServerMeasurement.id(k.db(), k.key()));
                errors.add(Math.abs(k.bytes() - truth) / (double) truth);
                dataset += k.datasetBytes();
            }
        }
        double[] abs = errors.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double datasetError = (dataset - real.keysDataset()) / (double) real.keysDataset();
        String line = String.format(Locale.ROOT, "medium (%s, %s): %d keys; exact %.2f%%, within 10%% %.2f%%, max %.1f%%; dataset %d vs %d (%+.2f%%)",
                model.describe(), real.version(), abs.length, share(abs, 0), share(abs, 0.10), 100 * abs[abs.length - 1], dataset, real.keysDataset(), 100 * datasetError);
        System.out.println(line);
        assertThat(abs.length).isEqualTo(50_000);
        assertThat(share(abs, 0.10)).as(line).isGreaterThanOrEqualTo(90);
        assertThat(Math.abs(datasetError)).as(line).isLessThanOrEqualTo(0.05);
    }

    static double share(double[] sortedAbs, double limit) {
        return 100.0 * Arrays.stream(sortedAbs).filter(e -> e <= limit + 1e-12).count() / sortedAbs.length;
    }

    static double pct(double[] sortedAbs, double p) {
        return sortedAbs[Math.min(sortedAbs.length - 1, (int) Math.floor(p * (sortedAbs.length - 1)))];
    }
}
