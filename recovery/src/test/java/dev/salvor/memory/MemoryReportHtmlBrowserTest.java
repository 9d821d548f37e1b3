package dev.salvor.memory;

import dev.salvor.fixtures.Fixtures;
import dev.salvor.fixtures.ServerBinaries;
import dev.salvor.rdb.RdbReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The HTML report drawn by a real browser: Debian's chromium, headless, with a fresh profile and
 * every background connection off, takes a screenshot; the treemap and the charts must be on it
 * in their colours. Skipped (with a message) where chromium is not installed, failed in CI.
 */
class MemoryReportHtmlBrowserTest {
    @TempDir
    Path tmp;

    @Test
    void theReportIsSelfContained() throws Exception {
        String html = MemoryReportHtml.render(report());
        assertThat(html).startsWith("<!doctype html>").contains("<svg").contains("</html>");
        // nothing is fetched: no script, no link, no image source, no remote address
        assertThat(html.toLowerCase()).doesNotContain("<script").doesNotContain("<link").doesNotContain("src=")
                .doesNotContain("http://").doesNotContain("https://").doesNotContain("url(").doesNotContain("@import");
        assertThat(html).contains("stream:").contains("stream:big").contains("By encoding").contains("already expired");
    }

    @Test
    void aHeadlessBrowserDrawsTheTreemapAndTheCharts() throws Exception {
        String chromium = chromium();
        Path page = tmp.resolve("report.html");
        Files.writeString(page, MemoryReportHtml.render(report()), StandardCharsets.UTF_8);
        Path shot = tmp.resolve("report.png");
        List<String> cmd = new ArrayList<>(List.of(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run", "--disable-sync", "--user-data-dir=" + tmp.resolve("profile"),
                "--proxy-server=127.0.0.1:9", "--window-size=1000,1400", "--screenshot=" + shot, page.toUri().toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("chromium.log").toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish within 120 s; log: " + Files.readString(tmp.resolve("chromium.log")));
        }
        assertThat(shot).as(Files.readString(tmp.resolve("chromium.log"))).exists();
        BufferedImage img = ImageIO.read(shot.toFile());
        assertThat(img.getWidth()).isEqualTo(1000);
        assertThat(img.getHeight()).isEqualTo(1400);
        // The treemap sits under the summary table: its largest tile (stream:, first colour) at its top left.
        Set<Integer> colours = new HashSet<>();
        int streamTile = 0;
        for (int y = 200; y < 700; y += 3) {
            for (int x = 20; x < 980; x += 3) {
                int rgb = img.getRGB(x, y) & 0xffffff;
                colours.add(rgb);
                if (rgb == 0x4e79a7) streamTile++;
            }
        }
        assertThat(streamTile).as("pixels of the stream: tile").isGreaterThan(5000);
        int palette = 0;
        for (int c : new int[] {0x4e79a7, 0xf28e2b, 0xe15759, 0x76b7b2, 0x59a14f, 0xedc948, 0xb07aa1}) {
            if (colours.contains(c)) palette++;
        }
        assertThat(palette).as("treemap colours on the screenshot").isGreaterThanOrEqualTo(6);
        // The bar charts below: bars in the type colour.
        int bars = 0;
        for (int y = 700; y < 1400; y += 2) {
            for (int x = 150; x < 400; x += 2) {
                if ((img.getRGB(x, y) & 0xffffff) == 0x4e79a7) bars++;
            }
        }
        assertThat(bars).as("pixels of the by-type bars").isGreaterThan(200);
    }

    private static MemoryReport report() throws Exception {
        MemoryAnalyzer a = new MemoryAnalyzer(MemoryOptions.defaults());
        Path rdb = Fixtures.resolve("rdb/redis-7.4/dataset.rdb");
        try (RdbReader r = RdbReader.open(rdb)) {
            return a.analyze(r, Files.size(rdb), -1, MemoryAnalyzer.NO_SINK, null);
        }
    }

    /** chromium on the PATH (or $CHROMIUM); a skip where it is missing, a failure in CI. */
    static String chromium() {
        String env = System.getenv("CHROMIUM");
        if (env != null && !env.isEmpty()) return env;
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            for (String name : List.of("chromium", "chromium-browser")) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) return p.toString();
            }
        }
        if (ServerBinaries.inCi()) throw new AssertionError("chromium is required in CI (.ci/run installs it: apt-get install -y chromium)");
        throw new TestAbortedException("skipped: chromium is not installed (apt-get install -y chromium); the HTML report is not drawn");
    }
}
