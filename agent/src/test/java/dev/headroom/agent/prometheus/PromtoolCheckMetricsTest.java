package dev.headroom.agent.prometheus;

import dev.headroom.agent.sidecar.ExportedMetric;
import dev.headroom.agent.sidecar.SidecarConfig;
import dev.headroom.agent.sidecar.SidecarRuntime;
import dev.headroom.agent.sidecar.SidecarSettings;
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
 * Prometheus's own linter finds nothing to say about Headroom's names, types, units or help texts beyond the
 * documented exceptions.
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
            // Every family a finding is expected for is in the exposition before promtool reads it.
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(metrics())
                    .containsPattern("headroom_time_to_first_token_seconds\\{model=\"[^\"]+\",quantile=\"0.95\",?} \\d")
                    .contains(EXPECTED_FAMILIES));
            String headroomFamilies = headroomFamilies(metrics());
            assertThat(headroomFamilies).contains("# TYPE headroom_engine_up gauge");
            var outcome = PrometheusTools.run(Path.of("."), Duration.ofSeconds(60),
                    headroomFamilies.getBytes(StandardCharsets.UTF_8), promtool.toString(), "check", "metrics");
            // Exactly the documented exceptions (src/docs/observability.md), nothing else.
            assertThat(outcome.output().lines().distinct().sorted().toList())
                    .as("promtool's findings").containsExactlyElementsOf(DOCUMENTED_EXCEPTIONS);

            // The linter is not blind: a counter without _total is reported.
            var broken = PrometheusTools.run(Path.of("."), Duration.ofSeconds(60),
                    "# HELP headroom_things Things.\n# TYPE headroom_things counter\nheadroom_things 1\n"
                            .getBytes(StandardCharsets.UTF_8), promtool.toString(), "check", "metrics");
            assertThat(broken.output()).contains("counter metrics should have \"_total\" suffix");
        } finally {
            inFlight.forEach(f -> f.cancel(true));
        }
    }

    /** The families promtool has a finding about: each must be in the exposition it reads. */
    private static final String[] EXPECTED_FAMILIES = {
            ExportedMetric.of(Signal.E2E_P95).name() + "{", ExportedMetric.of(Signal.ITL_P95).name() + "{",
            ExportedMetric.of(Signal.QUEUE_TIME_P95).name() + "{", ExportedMetric.of(Signal.TTFT_P95).name() + "{",
            ExportedMetric.SCRAPES + "_total{"};

    /**
     * promtool's findings that stay, each with its reason in src/docs/observability.md: latency quantiles are
     * gauges with a quantile label (the convention of precomputed quantiles, as kube-prometheus records them).
     */
    private static final List<String> DOCUMENTED_EXCEPTIONS = java.util.stream.Stream.of(
                    ExportedMetric.of(Signal.E2E_P95).name(), ExportedMetric.of(Signal.ITL_P95).name(),
                    ExportedMetric.of(Signal.QUEUE_TIME_P95).name(), ExportedMetric.of(Signal.TTFT_P95).name())
            .map(name -> name + " non-summary metrics should not have \"quantile\" label")
            .collect(java.util.stream.Collectors.toCollection(ArrayList::new));

    static {
        DOCUMENTED_EXCEPTIONS.sort(null);
    }

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
