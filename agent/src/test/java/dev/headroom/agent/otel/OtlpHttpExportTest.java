package dev.headroom.agent.otel;

import dev.headroom.agent.otel.ReceivedExport.Point;
import dev.headroom.agent.sidecar.ExportedMetric;
import dev.headroom.agent.sidecar.SidecarConfig;
import dev.headroom.agent.sidecar.SidecarRuntime;
import dev.headroom.agent.sidecar.SidecarSettings;
import dev.headroom.autoscaler.signals.Signal;
import dev.headroom.collectors.exposition.Exposition;
import dev.headroom.collectors.exposition.ExpositionFormat;
import dev.headroom.collectors.exposition.ExpositionParser;
import dev.headroom.collectors.exposition.MetricFamily;
import dev.headroom.collectors.exposition.Sample;
import dev.headroom.simulator.EngineConfig;
import dev.headroom.simulator.EngineServer;
import dev.headroom.simulator.ServerOptions;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * OTLP over http/protobuf, end to end: the simulated engine under load, the sidecar scraping it, the
 * OpenTelemetry SDK exporting to a real receiver that decodes {@code ExportMetricsServiceRequest}. Names,
 * units, attributes and resource are asserted, and every value is compared with {@code /q/metrics}.
 */
@QuarkusTest
@WithTestResource(OtlpHttpReceiverResource.class)
class OtlpHttpExportTest {

    @Inject
    SidecarRuntime sidecar;

    @Inject
    SidecarConfig config;

    OtlpHttpReceiver receiver;

    @Test
    void exportCarriesTheSignalsWithTheirUnitsAttributesAndTheSameValuesAsPrometheus() throws Exception {
        String model = EngineConfig.demo().modelName();
        try (EngineServer engine = EngineServer.start(EngineConfig.demo(), ServerOptions.defaults().withTimeScale(2))) {
            sidecar.start(SidecarSettings.from(config, engine.baseUri().resolve("/metrics"))
                    .withScrapeInterval(Duration.ofMillis(200)));
            // Bounded load: 20 requests, more than the demo engine's KV cache holds at once.
            List<CompletableFuture<?>> inFlight = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                inFlight.add(engine.submit(300, 150));
            }

            AtomicReference<ReceivedExport> busy = new AtomicReference<>();
            // Under load: some export says the engine is busy, with the GenAI model attribute and the server.
            await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() -> {
                ReceivedExport export = receiver.received().stream()
                        .filter(e -> point(e.points(), "headroom.running.requests", null).map(Point::value).orElse(0.0) > 0)
                        .reduce((a, b) -> b).orElseThrow();
                List<Point> points = export.points();
                Point running = point(points, "headroom.running.requests", null).orElseThrow();
                assertThat(running.unit()).isEqualTo("{request}");
                assertThat(running.kind()).isEqualTo("gauge");
                assertThat(running.attributes()).containsEntry(OtlpMetric.ATTR_MODEL, model)
                        .containsEntry(OtlpMetric.ATTR_SERVER_ADDRESS, "127.0.0.1")
                        .containsEntry(OtlpMetric.ATTR_SERVER_PORT, Integer.toString(engine.baseUri().getPort()));
                Point kv = point(points, "headroom.kv_cache.utilization", null).orElseThrow();
                assertThat(kv.unit()).isEqualTo("1");
                assertThat(kv.value()).isBetween(0.1, 1.0);
                assertThat(point(points, "headroom.generation_tokens", null).orElseThrow().unit()).isEqualTo("{token}/s");
                assertThat(point(points, "headroom.saturation.composite", null).orElseThrow().value()).isPositive();
                Point ttft = receiver.received().stream().flatMap(e -> e.points().stream())
                        .filter(p -> p.name().equals("headroom.time_to_first_token")).findFirst().orElseThrow();
                assertThat(ttft.unit()).isEqualTo("s");
                assertThat(ttft.attributes()).containsKey(OtlpMetric.ATTR_QUANTILE);
                busy.set(export);
            });

            ReceivedExport last = busy.get();
            assertThat(last.path()).isEqualTo("/v1/metrics");
            assertThat(last.headers()).containsEntry("authorization", "Bearer otlp-test-token")
                    .containsEntry("content-type", "application/x-protobuf");
            Point up = point(last.points(), "headroom.engine.up", null).orElseThrow();
            assertThat(up.resource()).containsEntry("service.name", "headroom-sidecar")
                    .containsEntry("k8s.pod.name", "llm-0")
                    .containsEntry("k8s.namespace.name", "inference")
                    .containsEntry("deployment.environment.name", "test")
                    .containsEntry("telemetry.sdk.language", "java");
            assertThat(up.scope()).isEqualTo(OtlpMetric.SCOPE);
            Point scrapes = last.points().stream().filter(p -> p.name().equals(OtlpMetric.SCRAPES.name())
                    && "ok".equals(p.attributes().get(OtlpMetric.ATTR_OUTCOME))).findFirst().orElseThrow();
            assertThat(scrapes.kind()).isEqualTo("sum");
            assertThat(scrapes.monotonic()).isTrue();
            assertThat(scrapes.value()).isPositive();
            Point identity = point(last.points(), "headroom.engine.identity", null).orElseThrow();
            assertThat(identity.attributes()).containsEntry(OtlpMetric.ATTR_DIALECT, "vllm-v1")
                    .containsEntry(OtlpMetric.ATTR_MODEL, model);

            CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).get(60, java.util.concurrent.TimeUnit.SECONDS);

            // Settled: every value in the latest export equals /q/metrics now, and unknown is absent, not 0. The
            // export must be of a fresh engine state, or an all-unknown export would match trivially.
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
                List<Point> points = latestPoints();
                Exposition prometheus = prometheusNow();
                assertThat(point(points, OtlpMetric.SIGNALS_STALE.name(), null).map(Point::value)).hasValue(0.0);
                assertThat(point(points, OtlpMetric.of(Signal.KV_CAPACITY_TOKENS).name(), null).map(Point::value))
                        .hasValue((double) EngineConfig.demo().kvCapacityTokens());
                for (Signal signal : Signal.values()) {
                    ExportedMetric prom = ExportedMetric.of(signal);
                    OtlpMetric otlp = OtlpMetric.of(signal);
                    assertThat(point(points, otlp.name(), otlp.quantile()).map(Point::value))
                            .as("%s over OTLP and on /q/metrics", signal)
                            .isEqualTo(boxed(value(prometheus, prom.name(), prom.quantile())));
                    assertThat(pointWithSignal(points, OtlpMetric.SATURATION.name(), signal).map(Point::value))
                            .as("saturation of %s", signal)
                            .isEqualTo(boxed(valueWithSignal(prometheus, ExportedMetric.SATURATION, signal)));
                    assertThat(pointWithSignal(points, OtlpMetric.SATURATION_TARGET.name(), signal).map(Point::value))
                            .as("target of %s", signal)
                            .isEqualTo(boxed(valueWithSignal(prometheus, ExportedMetric.SATURATION_TARGET, signal)));
                }
                assertThat(point(points, OtlpMetric.SATURATION_COMPOSITE.name(), null).map(Point::value))
                        .isEqualTo(boxed(value(prometheus, ExportedMetric.SATURATION_COMPOSITE, null)));
                assertThat(point(points, OtlpMetric.ENGINE_UP.name(), null).map(Point::value)).hasValue(1.0);
            });
        }
    }

    private List<Point> latestPoints() {
        List<ReceivedExport> all = receiver.received();
        assertThat(receiver.errors()).as("requests the receiver could not decode").isEmpty();
        assertThat(all).as("exports received").isNotEmpty();
        return all.get(all.size() - 1).points();
    }

    private static Optional<Point> point(List<Point> points, String name, String quantile) {
        return points.stream().filter(p -> p.name().equals(name))
                .filter(p -> quantile == null ? !p.attributes().containsKey(OtlpMetric.ATTR_QUANTILE)
                        : quantile.equals(p.attributes().get(OtlpMetric.ATTR_QUANTILE)))
                .findFirst();
    }

    private static Optional<Point> pointWithSignal(List<Point> points, String name, Signal signal) {
        return points.stream().filter(p -> p.name().equals(name))
                .filter(p -> signal.key().equals(p.attributes().get(OtlpMetric.ATTR_SIGNAL))).findFirst();
    }

    private static Exposition prometheusNow() throws Exception {
        byte[] body = RestAssured.get("/q/metrics").then().statusCode(200).extract().asString()
                .getBytes(StandardCharsets.UTF_8);
        return new ExpositionParser().parse(body, ExpositionFormat.PROMETHEUS_TEXT);
    }

    private static OptionalDouble value(Exposition e, String family, String quantile) {
        MetricFamily f = e.family(family);
        if (f == null) {
            return OptionalDouble.empty();
        }
        return f.samples().stream().filter(s -> quantile == null || quantile.equals(s.label("quantile")))
                .mapToDouble(Sample::value).filter(v -> !Double.isNaN(v)).findFirst();
    }

    private static OptionalDouble valueWithSignal(Exposition e, String family, Signal signal) {
        MetricFamily f = e.family(family);
        if (f == null) {
            return OptionalDouble.empty();
        }
        return f.samples().stream().filter(s -> signal.key().equals(s.label("signal")))
                .mapToDouble(Sample::value).filter(v -> !Double.isNaN(v)).findFirst();
    }

    private static Optional<Double> boxed(OptionalDouble v) {
        return v.isPresent() ? Optional.of(v.getAsDouble()) : Optional.empty();
    }
}
