package dev.headroom.agent;

import dev.headroom.agent.demo.ScalingDemo;
import dev.headroom.simulator.EngineConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo's second act, headless and short: real simulated replicas behind the balancer, their sidecars, and the
 * policy scaling them through the local actuator. Under a ramp that overloads one replica it must scale up, with new
 * replicas paying their cold start, and leave its report behind.
 */
class ScalingDemoTest {

    @TempDir
    Path reports;

    @Test
    void aRampPastOneReplicaScalesUpThroughColdStartsAndWritesTheReport() throws Exception {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        ScalingDemo.Options options = new ScalingDemo.Options(Duration.ofSeconds(12), Duration.ofSeconds(2), 1, 14, 7,
                reports, EngineConfig.demo(), 4, Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(1));

        Path summary = new ScalingDemo(options, new PrintStream(console, true, StandardCharsets.UTF_8)).run();

        String view = console.toString(StandardCharsets.UTF_8);
        assertThat(view).contains("least-loaded balancer", "replicas (ready+)", "decision", "Report: ");
        assertThat(view).contains("ScaleUp: ");
        assertThat(view).as("a new replica shows while it starts").contains("starting)");
        // 12 s up, 2 s down, then the low load held for the sidecars' 30 s window, the 5 s scale-down window and
        // 5 decisions more.
        assertThat(options.hold()).isEqualTo(Duration.ofSeconds(40));
        assertThat(view.lines().filter(l -> l.matches("\\s*\\d+s .*")).count()).isBetween(51L, 57L);

        List<String> csv = Files.readAllLines(reports.resolve("headroom-demo-scaling.csv"));
        assertThat(csv.get(0)).isEqualTo("elapsed_s,offered_rps,desired,ready,starting,running,queue,kv_utilization,"
                + "saturation,reason,completed,failed");
        List<String[]> rows = csv.stream().skip(1).map(l -> l.split(",", -1)).toList();
        assertThat(rows).hasSizeGreaterThan(10);
        int peakDesired = rows.stream().mapToInt(r -> Integer.parseInt(r[2])).max().orElseThrow();
        int peakReady = rows.stream().mapToInt(r -> Integer.parseInt(r[3])).max().orElseThrow();
        assertThat(peakDesired).as("scaled past one replica").isGreaterThan(1).isLessThanOrEqualTo(4);
        assertThat(peakReady).as("a new replica became ready after its cold start").isGreaterThan(1);
        assertThat(rows).anySatisfy(r -> assertThat(r[9]).isEqualTo("ScaleUp"));
        assertThat(rows).as("served traffic").anySatisfy(r -> assertThat(Long.parseLong(r[10])).isPositive());
        assertThat(rows.get(0)[2]).as("starts from one warm replica").isEqualTo("1");
        int lastDesired = Integer.parseInt(rows.get(rows.size() - 1)[2]);
        assertThat(lastDesired).as("back down once the low load outlasted the scale-down window: %s", view)
                .isLessThan(peakDesired);
        assertThat(rows).anySatisfy(r -> assertThat(r[9]).isEqualTo("ScaleDown"));

        String md = Files.readString(summary);
        assertThat(md).contains("act 2", "first scale-up", "peak replicas", "`ScaleUp`", "to become ready");
        byte[] png = Files.readAllBytes(reports.resolve("headroom-demo-scaling.png"));
        assertThat(png).startsWith(0x89, 'P', 'N', 'G');
        assertThat(png.length).isGreaterThan(10_000);
    }
}
