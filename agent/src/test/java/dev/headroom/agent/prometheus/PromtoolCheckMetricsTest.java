package dev.headroom.agent.prometheus;

import dev.headroom.agent.metrics.MetricFamily;
import dev.headroom.agent.sidecar.SidecarConfig;
import dev.headroom.agent.sidecar.SidecarRuntime;
import dev.headroom.agent.sidecar.SidecarSettings;
import dev.headroom.collectors.engine.LatencySignal;
import dev.headroom.signals.Signal;
import dev.headroom.simulator.EngineConfig;
import dev.headroom.simulator.EngineServer;
import dev.headroom.simulator.ServerOptions;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sidecar's real {@code /q/metrics}, with every signal known, piped into {@code promtool check metrics}:
 * Prometheus's own linter finds nothing to say about Headroom's names, types, units or help texts: no exception.
 */
@QuarkusTest
class PromtoolCheckMetricsTest {

    @Inject
    SidecarRuntime sidecar;

    @Inject
    SidecarConfig config;

    @Test
    void theSidecarsExpositionPassesPromtool() throws Exception {
        Path promtool = PrometheusTools.require("promtool");
        List<CompletableFuture<?>> inFlight = new ArrayList<>();
        try (EngineServer engine = EngineServer.start(EngineConfig.demo(), ServerOptions.defaults().withTimeScale(4))) {
            URI metricsUrl = engine.baseUri().resolve("/metrics");
            sidecar.start(SidecarSettings.from(config, metricsUrl).withScrapeInterval(Duration.ofMillis(200)));
            for (int i = 0; i < 16; i++) {
                inFlight.add(engine.submit(300, 150));
            }
            // Wait for this engine's own data, read by the sidecar: the shared registry may still show an earlier
            // engine's values, which would satisfy a wait on the exposition alone before this engine was read.
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(sidecar.snapshot()).hasValueSatisfying(s -> {
                assertThat(s.engineUrl()).isEqualTo(metricsUrl);
                assertThat(s.lastScrape()).hasValueSatisfying(l -> assertThat(l.ok()).isTrue());
                assertThat(s.signals().get(Signal.TTFT_P95)).isPresent();
            }));
            // The latency families are in the exposition, with values, before promtool reads it: the per-pod
            // quantiles and the histograms (le buckets, _sum, _count), which once drew findings.
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(metrics())
                    .containsPattern("headroom_time_to_first_token_p95_seconds\\{model=\"[^\"]+\",?} \\d")
                    .containsPattern("headroom_time_to_first_token_seconds_bucket\\{model=\"[^\"]+\",le=\"\\+Inf\",?} [1-9]")
                    .contains(LATENCY_FAMILIES));
            String headroomFamilies = headroomFamilies(metrics());
            assertThat(headroomFamilies).contains("# TYPE headroom_engine_up gauge");
            var outcome = PrometheusTools.run(Path.of("."), Duration.ofSeconds(60),
                    headroomFamilies.getBytes(StandardCharsets.UTF_8), promtool.toString(), "check", "metrics");
            assertThat(outcome.output().lines().toList()).as("promtool's findings").isEmpty();
            assertThat(outcome.exitCode()).as("promtool's exit code").isZero();

            // The linter is not blind: a counter without _total is reported.
            var broken = PrometheusTools.run(Path.of("."), Duration.ofSeconds(60),
                    "# HELP headroom_things Things.\n# TYPE headroom_things counter\nheadroom_things 1\n"
                            .getBytes(StandardCharsets.UTF_8), promtool.toString(), "check", "metrics");
            assertThat(broken.output()).contains("counter metrics should have \"_total\" suffix");
        } finally {
            inFlight.forEach(f -> f.cancel(true));
        }
    }

    /** Each latency as a per-pod p95 gauge and as a histogram with its buckets, sum and count. */
    private static final String[] LATENCY_FAMILIES = java.util.Arrays.stream(LatencySignal.values())
            .flatMap(l -> java.util.stream.Stream.of(MetricFamily.histogram(l).prometheusName().orElseThrow())
                    .flatMap(h -> java.util.stream.Stream.of("# TYPE " + h + " histogram", h + "_bucket{", h + "_sum{",
                            h + "_count{")))
            .toArray(String[]::new);

    /**
     * The Headroom families of an exposition. The rest (JVM, process, Netty, worker pools) comes from
     * Micrometer's and Quarkus' binders, whose names Headroom does not choose.
     */
    static String headroomFamilies(String exposition) {
        StringBuilder out = new StringBuilder();
        exposition.lines().forEach(line -> {
            String name;
            if (line.startsWith("# TYPE ") || line.startsWith("# HELP ")) {
                String rest = line.substring(7);
                int end = rest.indexOf(' ');
                name = end < 0 ? rest : rest.substring(0, end);
            } else if (line.startsWith("#") || line.isBlank()) {
                return;
            } else {
                int end = 0;
                while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
                    end++;
                }
                name = line.substring(0, end);
            }
            if (name.startsWith("headroom_")) {
                out.append(line).append('\n');
            }
        });
        return out.toString();
    }

    /**
     * The exposition in Prometheus text 0.0.4, the format {@code promtool check metrics} lints (asked for
     * OpenMetrics, the registry puts a counter's HELP on its base name, as that format wants, and promtool's text
     * linter would read it as missing).
     */
    private static String metrics() {
        return RestAssured.given().accept("text/plain; version=0.0.4; charset=utf-8").get("/q/metrics")
                .then().statusCode(200).extract().asString();
    }
}
