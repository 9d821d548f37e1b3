package dev.salvor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.salvor.fixtures.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * AOF export (11.5, 13.6): the keys of an RDB preamble or base come first, as the RDB export writes
 * them with their segment, then the commands; --format, --db, --match, --type and --salvage do
 * what they say or are refused; a piped or compressed AOF is read as one.
 */
class AofExportTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path PREAMBLE = Fixtures.resolve("aof/redis-6.2/aof-preamble/appendonly.aof");
    private static final Path PLAIN = Fixtures.resolve("aof/redis-6.2/aof-plain/appendonly.aof");

    @TempDir
    Path tmp;

    private static List<JsonNode> lines(String out) throws Exception {
        List<JsonNode> l = new ArrayList<>();
        for (String s : out.lines().toList()) l.add(JSON.readTree(s));
        return l;
    }

    /** The RDB part of a file with a preamble (up to its checksum), as a file of its own. */
    private Path rdbPart(Path aof) throws Exception {
        byte[] b = Files.readAllBytes(aof);
        long end = dev.salvor.aof.AofPreamble.measure(aof).end();
        Path rdb = tmp.resolve(aof.getFileName() + ".rdb");
        Files.write(rdb, Arrays.copyOf(b, (int) end));
        return rdb;
    }

    @Test
    void preambleKeysAreExportedAsTheRdbExportWritesThemThenTheCommands() throws Exception {
        List<JsonNode> aof = lines(CliRunner.run("export", PREAMBLE.toString()).out());
        List<JsonNode> rdb = lines(CliRunner.run("export", rdbPart(PREAMBLE).toString()).out());
        assertThat(rdb).hasSizeGreaterThan(300);
        for (int i = 0; i < rdb.size(); i++) {
            ObjectNode key = (ObjectNode) aof.get(i).deepCopy();
            assertThat(key.remove("segment").asText()).isEqualTo("appendonly.aof");
            assertThat(key).isEqualTo(rdb.get(i));
        }
        List<JsonNode> commands = aof.subList(rdb.size(), aof.size());
        byte[] bytes = Files.readAllBytes(PREAMBLE);
        long end = dev.salvor.aof.AofPreamble.measure(PREAMBLE).end();
        List<AofRepairAccountingTest.Cmd> expected = AofRepairAccountingTest.commands(Arrays.copyOfRange(bytes, (int) end, bytes.length));
        assertThat(commands).hasSize(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            assertThat(commands.get(i).get("offset").asLong()).isEqualTo(end + expected.get(i).start());
            assertThat(commands.get(i).get("argv").get(0).asText()).isEqualToIgnoringCase(expected.get(i).name());
        }
    }

    @Test
    void aMultiPartBaseIsExportedToo() throws Exception {
        Path dir = Fixtures.resolve("aof/redis-7.0/aof-preamble/appendonlydir");
        List<JsonNode> aof = lines(CliRunner.run("export", dir.toString()).out());
        List<JsonNode> base = lines(CliRunner.run("export", dir.resolve("appendonly.aof.2.base.rdb").toString()).out());
        assertThat(base).hasSizeGreaterThan(300);
        for (int i = 0; i < base.size(); i++) {
            ObjectNode key = (ObjectNode) aof.get(i).deepCopy();
            assertThat(key.remove("segment").asText()).isEqualTo("appendonly.aof.2.base.rdb");
            assertThat(key).isEqualTo(base.get(i));
        }
        int commands = AofRepairAccountingTest.commands(Files.readAllBytes(dir.resolve("appendonly.aof.2.incr.aof"))).size();
        assertThat(aof).hasSize(base.size() + commands);
        assertThat(aof.get(base.size()).get("segment").asText()).isEqualTo("appendonly.aof.2.incr.aof");
    }

    @Test
    void dbAndMatchSelectKeysAndCommandsTypeAndDumpsAreRefused() throws Exception {
        List<JsonNode> all = lines(CliRunner.run("export", PREAMBLE.toString()).out());
        List<JsonNode> db1 = lines(CliRunner.run("export", PREAMBLE.toString(), "--db", "1").out());
        assertThat(db1).isNotEmpty().allSatisfy(n -> assertThat(n.get("db").asInt()).isEqualTo(1));
        assertThat(db1).hasSize((int) all.stream().filter(n -> n.get("db").asInt() == 1).count());

        List<JsonNode> users = lines(CliRunner.run("export", PLAIN.toString(), "--match", "user:*").out());
        assertThat(users).hasSizeGreaterThan(10).allSatisfy(n -> assertThat(n.get("argv").get(1).asText()).startsWith("user:"));
        long expected = AofRepairAccountingTest.commands(Files.readAllBytes(PLAIN)).stream().filter(c -> !c.name().equals("select")).count();
        assertThat(users.size()).isLessThan((int) expected);
        List<JsonNode> keys = lines(CliRunner.run("export", PREAMBLE.toString(), "--match", "str:*").out());
        assertThat(keys).isNotEmpty().allSatisfy(n -> assertThat((n.has("key") ? n.get("key") : n.get("argv").get(1)).asText()).startsWith("str:"));

        for (String[] refused : new String[][] {{"--type", "hash"}, {"--format", "dumps"}}) {
            CliRunner.Result r = CliRunner.run("export", PLAIN.toString(), refused[0], refused[1]);
            assertThat(r.exitCode()).isEqualTo(2);
            assertThat(r.err()).contains(refused[0]);
        }
    }

    @Test
    void jsonFormatIsOneArrayOfTheSameRecords() throws Exception {
        List<JsonNode> ndjson = lines(CliRunner.run("export", PREAMBLE.toString()).out());
        JsonNode array = JSON.readTree(CliRunner.run("export", PREAMBLE.toString(), "--format", "json").out());
        assertThat(array.isArray()).isTrue();
        List<JsonNode> records = new ArrayList<>();
        array.forEach(records::add);
        assertThat(records).isEqualTo(ndjson);
    }

    @Test
    void withoutSalvageTheExportStopsAtDamageWithItEveryIntactCommandFollows() throws Exception {
        byte[] bytes = Files.readAllBytes(PLAIN);
        List<AofRepairAccountingTest.Cmd> cmds = AofRepairAccountingTest.commands(bytes);
        AofRepairAccountingTest.Cmd hit = cmds.get(cmds.size() / 2);
        byte[] damaged = bytes.clone();
        Arrays.fill(damaged, hit.end() - 6, hit.end(), (byte) '?');
        Path aof = tmp.resolve("damaged.aof");
        Files.write(aof, damaged);
        int before = cmds.indexOf(hit);

        CliRunner.Result stop = CliRunner.run("export", aof.toString());
        assertThat(stop.exitCode()).isEqualTo(1);
        assertThat(stop.err()).contains("the export stops here").contains("--salvage");
        assertThat(stop.out().lines().count()).isEqualTo(before);
        Path out = tmp.resolve("out.ndjson");
        assertThat(CliRunner.run("export", aof.toString(), "-o", out.toString()).exitCode()).isEqualTo(1);
        assertThat(out).doesNotExist();

        CliRunner.Result salvaged = CliRunner.run("export", aof.toString(), "--salvage");
        assertThat(salvaged.exitCode()).isEqualTo(1);
        assertThat(salvaged.out().lines().count()).isEqualTo(cmds.size() - 1);
        assertThat(salvaged.err()).contains("byte offset " + hit.start());
    }

    @Test
    void aPipedOrCompressedAofIsReadAsOne() throws Exception {
        String fromFile = CliRunner.run("export", PLAIN.toString()).out();
        CliRunner.Result piped = CliRunner.run(new ByteArrayInputStream(Files.readAllBytes(PLAIN)), "export", "-");
        assertThat(piped.exitCode()).as(piped.err()).isEqualTo(0);
        assertThat(piped.out()).isEqualTo(fromFile.replace("\"segment\":\"appendonly.aof\"", "\"segment\":\"stdin\""));

        Path gz = tmp.resolve("appendonly.aof.gz");
        try (GZIPOutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(Files.readAllBytes(PLAIN));
        }
        CliRunner.Result compressed = CliRunner.run("export", gz.toString());
        assertThat(compressed.exitCode()).as(compressed.err()).isEqualTo(0);
        assertThat(compressed.out()).isEqualTo(fromFile.replace("\"segment\":\"appendonly.aof\"", "\"segment\":\"appendonly.aof.gz\""));
        CliRunner.Result check = CliRunner.run(new ByteArrayInputStream(Files.readAllBytes(PLAIN)), "check", "-");
        assertThat(check.exitCode()).isEqualTo(0);
        assertThat(check.out()).contains("commands read").contains("clean");
        // Named as the user gave it, never by the temporary copy it is read from.
        assertThat(check.out()).startsWith("stdin: ").doesNotContain(System.getProperty("java.io.tmpdir"));
        String inspected = CliRunner.run(new ByteArrayInputStream(Files.readAllBytes(PLAIN)), "inspect", "-").out();
        assertThat(inspected).contains("commands:").contains("file:       stdin ").doesNotContain(System.getProperty("java.io.tmpdir"));
        assertThat(CliRunner.run("check", gz.toString(), "--json").out()).contains("\"file\" : \"" + gz + "\"");
        assertThat(tmp.resolve("never")).doesNotExist();
    }
}
