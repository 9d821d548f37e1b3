package dev.salvor.live;

import dev.salvor.diff.KeySource;
import dev.salvor.diff.RdbFileSource;
import dev.salvor.diff.DiffEngine;
import dev.salvor.diff.Difference;
import static org.assertj.core.api.Assertions.assertThat;

import dev.salvor.export.KeySelector;
import dev.salvor.fixtures.RedisServer;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A Redis Cluster of three real masters is found from any node and read whole. */
class LiveSourceClusterTest {
    @TempDir
    Path tmp;

    @Test
    void everyMasterOfAClusterIsRead() throws Exception {
        List<RedisServer> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                nodes.add(RedisServer.start(tmp.resolve("node" + i), "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf"));
            }
            List<String> cmd = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
            for (RedisServer n : nodes) cmd.add("127.0.0.1:" + n.port());
            cmd.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(log).isEqualTo(0);
            for (int tries = 0; tries < 100 && !new String((byte[]) nodes.get(0).call("CLUSTER", "INFO")).contains("cluster_state:ok"); tries++) {
                Thread.sleep(100);
            }

            RedisClusterClient client = RedisClusterClient.create(RedisURI.create("127.0.0.1", nodes.get(0).port()));
            try (StatefulRedisClusterConnection<String, String> c = client.connect()) {
                for (int i = 0; i < 300; i++) c.sync().set("key:" + i, "value " + i);
                c.sync().rpush("a-list", "x", "y");
            }
            // The same data in a standalone server's snapshot.
            Path file;
            try (RedisServer single = RedisServer.start(tmp.resolve("single"))) {
                for (int i = 0; i < 300; i++) single.call("SET", "key:" + i, "value " + i);
                single.call("RPUSH", "a-list", "x", "y");
                file = single.save();
            }
            // Any node finds the whole cluster.
            String url = "redis://127.0.0.1:" + nodes.get(2).port();
            try (KeySource a = new RdbFileSource(file, "file"); KeySource b = new LiveSource(url, null)) {
                DiffEngine.Report r = new DiffEngine(2000, false).diff(a, b, KeySelector.ALL);
                assertThat(r.keysB()).isEqualTo(301);
                assertThat(r.identical()).as("%s", r.differences().list()).isTrue();
            }
            try (StatefulRedisClusterConnection<String, String> c = client.connect()) {
                c.sync().set("key:7", "changed");
            }
            try (KeySource a = new RdbFileSource(file, "file"); KeySource b = new LiveSource(url, null)) {
                DiffEngine.Report r = new DiffEngine(2000, false).diff(a, b, KeySelector.ALL);
                assertThat(r.differences().list()).hasSize(1);
                assertThat(r.differences().list().get(0).kind()).isEqualTo(Difference.Kind.VALUE_DIFFERS);
                assertThat(r.differences().list().get(0).details()).containsExactly("value: value 7 -> changed");
            }
            // A scan stopped after a few pages goes on from each master's saved cursor: every key once.
            try (StatefulRedisClusterConnection<String, String> c = client.connect()) {
                for (int i = 0; i < 3000; i++) c.async().set("more:" + i, "v");
                c.sync().dbsize();
            }
            java.util.Set<String> all = new java.util.HashSet<>();
            try (LiveSource b = new LiveSource(url, null)) {
                b.scan(KeySelector.ALL, r -> all.add(new String(r.key())));
                assertThat(b.identity()).containsKey("cluster_masters");
                assertThat(b.identity().get("cluster_masters").split(",")).hasSize(3);
            }
            assertThat(all).hasSize(3301);
            java.util.Map<String, String> positions = new java.util.HashMap<>();
            List<String> beforeStop = new ArrayList<>();
            List<String> pending = new ArrayList<>();
            try (LiveSource b = new LiveSource(url, null)) {
                b.scan(KeySelector.ALL, java.util.Map.of(), new dev.salvor.diff.ResumableScan.Pages() {
                    int pages;

                    @Override
                    public void record(dev.salvor.diff.KeyRecord r) {
                        pending.add(new String(r.key()));
                    }

                    @Override
                    public void pageDone(String position, String cursor) {
                        positions.put(position, cursor);
                        beforeStop.addAll(pending);
                        pending.clear();
                        if (++pages == 4) throw new IllegalStateException("stopped");
                    }
                });
                throw new AssertionError("the scan was not stopped");
            } catch (IllegalStateException stopped) {
                assertThat(stopped).hasMessage("stopped");
            }
            assertThat(positions.keySet()).isNotEmpty().allMatch(id -> all.size() > 0 && id.length() == 40); // node ids
            assertThat(beforeStop).isNotEmpty().hasSizeLessThan(all.size());
            List<String> after = new ArrayList<>();
            try (LiveSource b = new LiveSource(url, null)) {
                b.scan(KeySelector.ALL, positions, new dev.salvor.diff.ResumableScan.Pages() {
                    @Override
                    public void record(dev.salvor.diff.KeyRecord r) {
                        after.add(new String(r.key()));
                    }

                    @Override
                    public void pageDone(String position, String cursor) {
                    }
                });
            }
            List<String> joined = new ArrayList<>(beforeStop);
            joined.addAll(after);
            assertThat(joined).hasSize(all.size()).containsExactlyInAnyOrderElementsOf(all);
            client.shutdown();
        } finally {
            for (RedisServer n : nodes) n.close();
        }
    }
}
