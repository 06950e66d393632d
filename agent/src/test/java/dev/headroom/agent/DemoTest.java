package dev.headroom.agent;

import dev.headroom.agent.demo.DemoRun;
import dev.headroom.agent.sidecar.SidecarConfig;
import dev.headroom.agent.sidecar.SidecarRuntime;
import dev.headroom.agent.sidecar.SidecarSettings;
import dev.headroom.simulator.EngineConfig;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The demo, headless, with a short ramp: it runs the real data path and leaves a report behind. */
@QuarkusTest
class DemoTest {

    @Inject
    SidecarRuntime sidecar;

    @Inject
    SidecarConfig config;

    @TempDir
    Path reports;

    @Test
    void aShortRampOverloadsTheEngineAndWritesTheReport() throws Exception {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        DemoRun.Options options = new DemoRun.Options(Duration.ofSeconds(12), 0.5, 10, 7, reports, EngineConfig.demo());
        Path summary = new DemoRun(options, (metrics, gpu) -> {
            sidecar.start(SidecarSettings.from(config, metrics), Optional.of(gpu));
            return new DemoRun.Sidecar(sidecar::snapshot, sidecar::gpu);
        }, new PrintStream(console, true, StandardCharsets.UTF_8)).run();

        String view = console.toString(StandardCharsets.UTF_8);
        assertThat(view).contains("offered", "saturation (1.0 = at target)", "Report: ");
        // One live row per second of the ramp, give or take the edges.
        assertThat(view.lines().filter(l -> l.matches("\\s*\\d+s .*")).count()).isBetween(10L, 14L);

        assertThat(summary).exists();
        byte[] png = Files.readAllBytes(reports.resolve("headroom-demo.png"));
        assertThat(png).startsWith(0x89, 'P', 'N', 'G');
        assertThat(png.length).isGreaterThan(10_000);
        List<String> csv = Files.readAllLines(reports.resolve("headroom-demo.csv"));
        assertThat(csv.get(0)).startsWith("elapsed_s,offered_rps,running,queue,kv_utilization");
        assertThat(csv).hasSizeGreaterThan(10);

        String md = Files.readString(summary);
        // The point of the demo, in numbers: GPU utilisation looks full before the replica is.
        assertThat(md).contains("GPU utilisation first ≥ 90 %", "saturation first ≥ 1.0");
        assertThat(md).containsPattern("GPU utilisation read \\d+ % at (\\d+) s");
        // The two moments the act is about, found in the measured series (and marked on the chart at the same
        // seconds, DemoReportMomentsTest): the GPU pinned first, the replica really full later.
        Matcher gpu = Pattern.compile("\\| GPU utilisation first ≥ 90 % \\| (\\d+) s").matcher(md);
        Matcher full = Pattern.compile("\\| replica full \\(KV cache ≥ 95 % or a queue held 3 s\\) \\| (\\d+) s").matcher(md);
        assertThat(gpu.find()).as("GPU pinned in %s", md).isTrue();
        assertThat(full.find()).as("replica full in %s", md).isTrue();
        assertThat(Integer.parseInt(gpu.group(1))).isLessThan(Integer.parseInt(full.group(1)));

        // The GPU reading went through the sidecar's probe and out on /q/metrics like a real one.
        String metrics = io.restassured.RestAssured.get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).contains("headroom_gpu_probe_up{source=\"simulated\"} 1.0");
        assertThat(metrics).containsPattern("headroom_gpu_utilization_ratio\\{gpu=\"0\",model=\"simulated H100 80GB\",uuid=\"GPU-[0-9a-f-]+\"} [01]\\.\\d+");
        assertThat(metrics).contains("headroom_gpu_memory_total_bytes{gpu=\"0\"");
    }
}
