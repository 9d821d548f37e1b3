package dev.salvor.salvage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvor.check.RdbChecker;
import dev.salvor.fixtures.Fixtures;
import dev.salvor.format.InputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Issue 15.4: salvage after the parallel full check ({@link RdbChecker#prove}) decodes nothing the
 * check proved, yet writes exactly what a salvage run without it writes (repaired file, quarantine,
 * report): that run decodes every record itself and is the oracle here (its own outputs are
 * checked against the servers' truth by {@link DamagedSamplesTest} and {@link SalvageOracleTest}).
 */
class ProvenSalvageTest {
    @TempDir
    Path tmp;

    /** What one salvage run wrote and how many bytes of key records its scan decoded. */
    record Outputs(byte[] repaired, byte[] quarantine, String report, long keyBytesDecoded, SalvageReport salvage) {
    }

    static Outputs salvage(Path file, boolean proven) throws IOException {
        ByteArrayOutputStream repaired = new ByteArrayOutputStream();
        ByteArrayOutputStream quarantine = new ByteArrayOutputStream();
        try (InputFile in = InputFile.open(file)) {
            CheckProof proof = proven ? RdbChecker.prove(in, 2, null) : CheckProof.NONE;
            // Every stretch after damage proven, however short (the command proves only long ones).
            CheckProof.Prover prover = proven ? RdbChecker.prover(in, 2, 0) : CheckProof.Prover.NONE;
            RepairWriter writer = new RepairWriter(in.channel(), repaired);
            QuarantineWriter q = new QuarantineWriter(in.channel(), quarantine);
            RdbSalvager.Counted run = RdbSalvager.salvageCounted(in, proof, prover, new VisitorChain(writer, q));
            RdbRepair repair = new RdbRepair(run.report(), q.entries(), writer.notes());
            ByteArrayOutputStream report = new ByteArrayOutputStream();
            repair.writeReport(report, "q", "r");
            return new Outputs(repaired.toByteArray(), quarantine.toByteArray(), report.toString(StandardCharsets.UTF_8),
                    run.keyBytesDecoded(), run.report());
        }
    }

    static List<Path> intact() {
        return Fixtures.intactRdbs();
    }

    @ParameterizedTest
    @MethodSource("intact")
    void aFileTheCheckProvedCleanIsNotDecodedAgainAndGivesTheSameOutputs(Path file) throws Exception {
        boolean clean;
        try (InputFile in = InputFile.open(file)) {
            clean = RdbChecker.prove(in, 2, null).clean();
        }
        Outputs plain = salvage(file, false);
        Outputs proven = salvage(file, true);
        assertThat(proven.report()).isEqualTo(plain.report());
        assertThat(proven.repaired()).isEqualTo(plain.repaired());
        assertThat(proven.quarantine()).isEqualTo(plain.quarantine());
        if (clean) {
            assertThat(proven.keyBytesDecoded()).isZero();
            if (plain.salvage().keysRecovered() > 0) assertThat(plain.keyBytesDecoded()).isPositive();
        }
    }

    @Test
    void mostFixturesAreProvenClean() throws Exception {
        long clean = 0;
        for (Path file : intact()) {
            try (InputFile in = InputFile.open(file)) {
                if (RdbChecker.prove(in, 2, null).clean()) clean++;
            }
        }
        assertThat(clean).isGreaterThan(intact().size() / 2);
    }

    /**
     * One 4 KiB page zeroed in a real server's file, at a quarter, half and three quarters of it:
     * the scan decodes only the key the damage hit (the check proved the records before it, and
     * proves those after the region where the scan reads on), where a run without the proof
     * decodes every key of the file.
     */
    @ParameterizedTest
    @MethodSource("quarters")
    void aZeroedPageCostsDecodingOfTheKeysItHitOnly(int quarter) throws Exception {
        Path source = Fixtures.resolve("rdb/salvage-7.0/dataset-nocompress.rdb");
        byte[] bytes = Files.readAllBytes(source);
        int page = (int) ((long) bytes.length * quarter / 4 / 4096 * 4096);
        Arrays.fill(bytes, page, page + 4096, (byte) 0);
        Path damaged = tmp.resolve("zeroed-" + quarter + ".rdb");
        Files.write(damaged, bytes);

        Outputs plain = salvage(damaged, false);
        Outputs proven = salvage(damaged, true);
        assertThat(proven.report()).isEqualTo(plain.report());
        assertThat(proven.repaired()).isEqualTo(plain.repaired());
        assertThat(proven.quarantine()).isEqualTo(plain.quarantine());

        List<CorruptRegion> regions = proven.salvage().regions();
        assertThat(regions).isNotEmpty();
        long damagedBytes = regions.stream().mapToLong(CorruptRegion::length).sum();
        assertThat(proven.keyBytesDecoded()).isLessThanOrEqualTo(damagedBytes + 4096);
        assertThat(plain.keyBytesDecoded()).isGreaterThan(bytes.length / 2);
    }

    static List<Integer> quarters() {
        return List.of(1, 2, 3);
    }

    static List<Path> damagedSamples() throws IOException {
        try (var files = Files.list(Fixtures.resolve("damaged"))) {
            return files.filter(p -> p.toString().endsWith(".rdb") && !p.getFileName().toString().startsWith("not-redis")).sorted().toList();
        }
    }

    @ParameterizedTest
    @MethodSource("damagedSamples")
    void theNamedDamagedSamplesGiveTheSameOutputsProven(Path file) throws Exception {
        Outputs plain = salvage(file, false);
        Outputs proven = salvage(file, true);
        assertThat(proven.report()).isEqualTo(plain.report());
        assertThat(proven.repaired()).isEqualTo(plain.repaired());
        assertThat(proven.quarantine()).isEqualTo(plain.quarantine());
        assertThat(proven.keyBytesDecoded()).isLessThan(plain.keyBytesDecoded());
    }

    /** Random damage of every kind the salvage tests make, on real servers' files of several versions: the same outputs proven. */
    static List<Damage> randomDamage() throws IOException {
        java.util.Random rnd = new java.util.Random(15_4);
        List<Damage> out = new java.util.ArrayList<>();
        for (String f : List.of("rdb/redis-7.0/dataset.rdb", "rdb/redis-2.8/dataset.rdb", "rdb/valkey-8.0/dataset.rdb",
                "rdb/redis-7.4/dataset.rdb", "rdb/salvage-7.0/dataset.rdb")) {
            Path p = Fixtures.resolve(f);
            if (!Files.exists(p)) continue;
            byte[] b = Files.readAllBytes(p);
            for (int i = 0; i < 4; i++) {
                int at = 9 + rnd.nextInt(b.length - 4200);
                Damage d = switch (i) {
                    case 0 -> Damage.zeroPage(b, at / 4096 * 4096);
                    case 1 -> Damage.flip(b, at);
                    case 2 -> Damage.insert(b, at, rnd);
                    default -> Damage.delete(b, at, 1 + rnd.nextInt(300));
                };
                out.add(new Damage(f + " " + d.name(), d.bytes(), d.from(), d.to()));
            }
            out.add(new Damage(f + " truncate", Damage.truncate(b, b.length / 2 + rnd.nextInt(b.length / 3)).bytes(), 0, 0));
        }
        return out;
    }

    @ParameterizedTest
    @MethodSource("randomDamage")
    void randomDamageGivesTheSameOutputsProven(Damage damage) throws Exception {
        Path file = tmp.resolve("damaged.rdb");
        Files.write(file, damage.bytes());
        Outputs plain = salvage(file, false);
        Outputs proven = salvage(file, true);
        assertThat(proven.report()).isEqualTo(plain.report());
        assertThat(proven.repaired()).isEqualTo(plain.repaired());
        assertThat(proven.quarantine()).isEqualTo(plain.quarantine());
    }
}
