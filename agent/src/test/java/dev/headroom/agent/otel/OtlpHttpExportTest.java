package dev.headroom.agent.otel;

import dev.headroom.agent.otel.ReceivedExport.HistogramPoint;
import dev.headroom.agent.otel.ReceivedExport.Point;
import dev.headroom.agent.sidecar.ExportedMetric;
import dev.headroom.agent.sidecar.SidecarConfig;
import dev.headroom.agent.sidecar.SidecarRuntime;
import dev.headroom.agent.sidecar.SidecarSettings;
import dev.headroom.collectors.engine.LatencySignal;
import dev.headroom.signals.Signal;
import dev.headroom.collectors.exposition.Exposition;
import dev.headroom.collectors.exposition.ExpositionFormat;
import dev.headroom.collectors.exposition.ExpositionParser;
import dev.headroom.collectors.exposition.MetricFamily;
import dev.headroom.collectors.exposition.Sample;
import dev.headroom.simulator.EngineConfig;
import dev.headroom.simulator.EngineServer;
import dev.headroom.simulator.ServerOptions;
import dev.headroom.simulator.VllmMetricsRenderer;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * OTLP over http/protobuf, end to end: the simulated engine under load, the sidecar scraping it, the
 * OpenTelemetry SDK exporting to a real receiver that decodes {@code ExportMetricsServiceRequest}. Names,
 * units, attributes and resource are asserted, every value is compared with {@code /q/metrics}, and the GenAI
 * histograms bucket for bucket with the engine's own {@code /metrics}.
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
                        .filter(e -> point(e.points(), "headroom.running.requests").map(Point::value).orElse(0.0) > 0)
                        .reduce((a, b) -> b).orElseThrow();
                List<Point> points = export.points();
                Point running = point(points, "headroom.running.requests").orElseThrow();
                assertThat(running.unit()).isEqualTo("{request}");
                assertThat(running.kind()).isEqualTo("gauge");
                assertThat(running.attributes()).containsEntry(OtlpMetric.ATTR_MODEL, model)
                        .containsEntry(OtlpMetric.ATTR_SERVER_ADDRESS, "127.0.0.1")
                        .containsEntry(OtlpMetric.ATTR_SERVER_PORT, Integer.toString(engine.baseUri().getPort()));
                Point kv = point(points, "headroom.kv_cache.utilization").orElseThrow();
                assertThat(kv.unit()).isEqualTo("1");
                assertThat(kv.value()).isBetween(0.1, 1.0);
                assertThat(point(points, "headroom.generation_tokens").orElseThrow().unit()).isEqualTo("{token}/s");
                assertThat(point(points, "headroom.saturation.composite").orElseThrow().value()).isPositive();
                // A windowed quantile is a per-pod gauge named for its percentile, with no quantile attribute.
                Point ttft = receiver.received().stream().flatMap(e -> e.points().stream())
                        .filter(p -> p.name().equals("headroom.time_to_first_token.p95")).findFirst().orElseThrow();
                assertThat(ttft.unit()).isEqualTo("s");
                assertThat(ttft.kind()).isEqualTo("gauge");
                assertThat(ttft.attributes()).doesNotContainKey("quantile");
                busy.set(export);
            });

            ReceivedExport last = busy.get();
            assertThat(last.path()).isEqualTo("/v1/metrics");
            assertThat(last.headers()).containsEntry("authorization", "Bearer otlp-test-token")
                    .containsEntry("content-type", "application/x-protobuf");
            Point up = point(last.points(), "headroom.engine.up").orElseThrow();
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
            Point identity = point(last.points(), "headroom.engine.info").orElseThrow();
            assertThat(identity.attributes()).containsEntry(OtlpMetric.ATTR_DIALECT, "vllm-v1")
                    .containsEntry(OtlpMetric.ATTR_MODEL, model);

            CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).get(60, java.util.concurrent.TimeUnit.SECONDS);

            // Settled: every value in the latest export equals /q/metrics now, and unknown is absent, not 0. The
            // export must be of a fresh engine state, or an all-unknown export would match trivially.
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
                ReceivedExport export = latestExport();
                List<Point> points = export.points();
                Exposition prometheus = prometheusNow();
                assertThat(point(points, OtlpMetric.SIGNALS_STALE.name()).map(Point::value)).hasValue(0.0);
                assertThat(point(points, OtlpMetric.of(Signal.KV_CAPACITY_TOKENS).name()).map(Point::value))
                        .hasValue((double) EngineConfig.demo().kvCapacityTokens());
                for (Signal signal : Signal.values()) {
                    ExportedMetric prom = ExportedMetric.of(signal);
                    OtlpMetric otlp = OtlpMetric.of(signal);
                    assertThat(point(points, otlp.name()).map(Point::value))
                            .as("%s over OTLP and on /q/metrics", signal)
                            .isEqualTo(boxed(value(prometheus, prom.name())));
                    assertThat(pointWithSignal(points, OtlpMetric.SATURATION.name(), signal).map(Point::value))
                            .as("saturation of %s", signal)
                            .isEqualTo(boxed(valueWithSignal(prometheus, ExportedMetric.SATURATION, signal)));
                    assertThat(pointWithSignal(points, OtlpMetric.SATURATION_TARGET.name(), signal).map(Point::value))
                            .as("target of %s", signal)
                            .isEqualTo(boxed(valueWithSignal(prometheus, ExportedMetric.SATURATION_TARGET, signal)));
                }
                assertThat(point(points, OtlpMetric.SATURATION_COMPOSITE.name()).map(Point::value))
                        .isEqualTo(boxed(value(prometheus, ExportedMetric.SATURATION_COMPOSITE)));
                assertThat(point(points, OtlpMetric.ENGINE_UP.name()).map(Point::value)).hasValue(1.0);

                // The engine's own histograms under the GenAI names: bucket for bucket what its /metrics says.
                Exposition engineMetrics = engineMetrics(engine);
                int port = engine.baseUri().getPort();
                EngineHistogram engineTtft = engineHistogram(engineMetrics, VllmMetricsRenderer.TIME_TO_FIRST_TOKEN);
                assertGenAiHistogram(export, OtlpMetric.GEN_AI_TIME_TO_FIRST_TOKEN, engineTtft, model, port);
                assertGenAiHistogram(export, OtlpMetric.GEN_AI_TIME_PER_OUTPUT_TOKEN,
                        engineHistogram(engineMetrics, VllmMetricsRenderer.INTER_TOKEN_LATENCY), model, port);
                assertGenAiHistogram(export, OtlpMetric.GEN_AI_REQUEST_DURATION,
                        engineHistogram(engineMetrics, VllmMetricsRenderer.E2E_REQUEST_LATENCY), model, port);
                // And under Headroom's names, with the attributes of its other series: on both paths, the same
                // buckets, which add up across pods (the Prometheus histogram with its le buckets).
                HistogramPoint headroomTtft = export.histograms().stream()
                        .filter(p -> p.name().equals(OtlpMetric.histogram(LatencySignal.TTFT).name()))
                        .findFirst().orElseThrow();
                assertThat(headroomTtft.attributes()).containsOnlyKeys(OtlpMetric.ATTR_MODEL,
                        OtlpMetric.ATTR_SERVER_ADDRESS, OtlpMetric.ATTR_SERVER_PORT);
                assertThat(headroomTtft.bucketCounts()).isEqualTo(engineTtft.bucketCounts());
                assertThat(headroomTtft.bounds()).isEqualTo(engineTtft.bounds());
                assertThat(engineHistogram(prometheus, "headroom_time_to_first_token_seconds"))
                        .as("/q/metrics histogram").isEqualTo(engineTtft);
                List<String> expected = new ArrayList<>(List.of(OtlpMetric.GEN_AI_TIME_TO_FIRST_TOKEN.name(),
                        OtlpMetric.GEN_AI_TIME_PER_OUTPUT_TOKEN.name(), OtlpMetric.GEN_AI_REQUEST_DURATION.name()));
                for (LatencySignal latency : LatencySignal.values()) {
                    expected.add(OtlpMetric.histogram(latency).name());
                }
                assertThat(export.histograms()).extracting(HistogramPoint::name).containsExactlyInAnyOrderElementsOf(expected);
            });

            // Cumulative: one engine run is one series per histogram, its start fixed and its count never falling.
            for (OtlpMetric m : List.of(OtlpMetric.GEN_AI_TIME_TO_FIRST_TOKEN, OtlpMetric.GEN_AI_REQUEST_DURATION)) {
                List<HistogramPoint> series = receiver.received().stream().flatMap(e -> e.histograms().stream())
                        .filter(h -> h.name().equals(m.name())).toList();
                assertThat(series).as("%s over the exports", m.name()).hasSizeGreaterThan(1);
                assertThat(series).extracting(HistogramPoint::startNanos).as("start of %s", m.name())
                        .containsOnly(series.get(0).startNanos());
                assertThat(series).extracting(HistogramPoint::count).as("count of %s", m.name()).isSorted();
                assertThat(series).extracting(HistogramPoint::timeNanos).isSorted();
            }
        }

        // The engine is gone. Once its state is stale no GenAI histogram is sent: not the old one, not a zero one.
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() -> {
            ReceivedExport export = latestExport();
            assertThat(point(export.points(), OtlpMetric.SIGNALS_STALE.name()).map(Point::value)).hasValue(1.0);
            assertThat(export.histograms()).isEmpty();
            assertThat(RestAssured.get("/q/metrics").then().statusCode(200).extract().asString())
                    .doesNotContain("headroom_time_to_first_token_seconds_bucket{");
        });
    }

    private static void assertGenAiHistogram(ReceivedExport export, OtlpMetric metric, EngineHistogram engine,
                                             String model, int port) {
        HistogramPoint h = export.histograms().stream().filter(p -> p.name().equals(metric.name()))
                .reduce((a, b) -> {
                    throw new AssertionError("one point expected for " + metric.name());
                }).orElseThrow();
        assertThat(h.unit()).isEqualTo("s");
        assertThat(h.temporality()).isEqualTo(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE);
        assertThat(h.scope()).isEqualTo(OtlpMetric.SCOPE);
        assertThat(h.resource()).containsEntry("service.name", "headroom-sidecar");
        assertThat(h.attributes()).containsOnly(
                entry(OtlpMetric.ATTR_OPERATION, "chat"),
                entry(OtlpMetric.ATTR_PROVIDER, "vllm"),
                entry(OtlpMetric.ATTR_MODEL, model),
                entry(OtlpMetric.ATTR_SERVER_ADDRESS, "127.0.0.1"),
                entry(OtlpMetric.ATTR_SERVER_PORT, Integer.toString(port)));
        assertThat(h.bounds()).as("%s bounds", metric.name()).isEqualTo(engine.bounds());
        assertThat(h.bucketCounts()).as("%s bucket counts", metric.name()).isEqualTo(engine.bucketCounts());
        assertThat(h.count()).as("%s count", metric.name()).isEqualTo(engine.count()).isGreaterThanOrEqualTo(20);
        assertThat(h.sum()).as("%s sum", metric.name()).isCloseTo(engine.sum(), within(1e-9)).isPositive();
        assertThat(h.startNanos()).isPositive().isLessThanOrEqualTo(h.timeNanos());
    }

    /** One histogram family of the engine's /metrics, summed over its label sets, per bucket as OTLP carries it. */
    private record EngineHistogram(List<Double> bounds, List<Long> bucketCounts, long count, double sum) {
    }

    private static EngineHistogram engineHistogram(Exposition e, String family) {
        MetricFamily f = e.family(family);
        assertThat(f).as("engine family %s", family).isNotNull();
        TreeMap<Double, Double> cumulative = new TreeMap<>();
        double count = 0;
        double sum = 0;
        for (Sample s : f.samples()) {
            if (s.name().equals(family + "_bucket")) {
                String le = s.label("le");
                double bound = "+Inf".equals(le) ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
                cumulative.merge(bound, s.value(), Double::sum);
            } else if (s.name().equals(family + "_count")) {
                count += s.value();
            } else if (s.name().equals(family + "_sum")) {
                sum += s.value();
            }
        }
        List<Double> bounds = new ArrayList<>(cumulative.keySet());
        assertThat(bounds).as("engine %s ends with +Inf", family).endsWith(Double.POSITIVE_INFINITY);
        bounds.remove(bounds.size() - 1);
        List<Long> perBucket = new ArrayList<>();
        double below = 0;
        for (double c : cumulative.values()) {
            perBucket.add(Math.round(c - below));
            below = c;
        }
        return new EngineHistogram(bounds, perBucket, Math.round(count), sum);
    }

    private static Exposition engineMetrics(EngineServer engine) throws Exception {
        HttpResponse<byte[]> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(engine.baseUri().resolve("/metrics")).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).isEqualTo(200);
        return new ExpositionParser().parse(response.body(), ExpositionFormat.PROMETHEUS_TEXT);
    }

    private ReceivedExport latestExport() {
        List<ReceivedExport> all = receiver.received();
        assertThat(receiver.errors()).as("requests the receiver could not decode").isEmpty();
        assertThat(all).as("exports received").isNotEmpty();
        return all.get(all.size() - 1);
    }

    private static Optional<Point> point(List<Point> points, String name) {
        return points.stream().filter(p -> p.name().equals(name)).findFirst();
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

    private static OptionalDouble value(Exposition e, String family) {
        MetricFamily f = e.family(family);
        if (f == null) {
            return OptionalDouble.empty();
        }
        return f.samples().stream().mapToDouble(Sample::value).filter(v -> !Double.isNaN(v)).findFirst();
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
