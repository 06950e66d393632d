package dev.headroom.agent.metrics;

import dev.headroom.collectors.engine.GaugeSignal;
import dev.headroom.collectors.engine.LatencySignal;
import dev.headroom.collectors.engine.Rejection;
import dev.headroom.signals.Saturation;
import dev.headroom.signals.Signals;
import java.util.EnumMap;
import dev.headroom.agent.controller.ControllerMeters;
import dev.headroom.agent.external.Decisions;
import dev.headroom.agent.otel.GenAiHistograms;
import dev.headroom.agent.otel.OtlpMetric;
import dev.headroom.agent.otel.SignalInstruments;
import dev.headroom.agent.sidecar.GpuMeters;
import dev.headroom.agent.sidecar.SignalMeters;
import dev.headroom.autoscaler.kubernetes.WorkloadDecision;
import dev.headroom.autoscaler.kubernetes.crd.ScalingMode;
import dev.headroom.autoscaler.policy.Aggregation;
import dev.headroom.autoscaler.policy.DecisionReason;
import dev.headroom.autoscaler.policy.ScalingDecision;
import dev.headroom.autoscaler.policy.SignalInput;
import dev.headroom.autoscaler.policy.SignalOutcome;
import dev.headroom.collectors.gpu.GpuDevice;
import dev.headroom.collectors.gpu.GpuReading;
import dev.headroom.collectors.gpu.ProbeState;
import dev.headroom.collectors.scrape.ScrapeConfig;
import dev.headroom.signals.SaturationTargets;
import dev.headroom.signals.Signal;
import dev.headroom.signals.WindowConfig;
import dev.headroom.signals.monitor.EngineMonitor;
import dev.headroom.signals.monitor.EngineState;
import dev.headroom.simulator.EngineConfig;
import dev.headroom.simulator.EngineServer;
import dev.headroom.simulator.ServerOptions;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.CollectionRegistration;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import io.opentelemetry.sdk.resources.Resource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every row of {@link MetricFamily} against what the exporters really write: the Prometheus exporters
 * ({@link SignalMeters}, {@link GpuMeters}, {@link ControllerMeters}) scraped as {@code /q/metrics} text, and the
 * OTLP exporter ({@link SignalInstruments}, {@link GenAiHistograms}) collected from a real SDK. The state is a
 * real {@link EngineMonitor}'s, over HTTP, of a simulated engine that has served requests, so that every signal
 * is known. A row has exactly the exporters it names, with exactly its label keys; nothing is exported that is
 * not a row.
 */
class MetricFamilyTest {

    /** A Prometheus sample line: name, then the label block if any. */
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{([^}]*)})? ");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"");

    /** Family name → label keys, as {@code /q/metrics} shows them. */
    private static Map<String, Set<String>> prometheus;
    /** A histogram's name → the label keys of its {@code _bucket} samples. */
    private static final Map<String, Set<String>> bucketLabels = new TreeMap<>();
    /** Instrument name → attribute keys, as OTLP exports them. */
    private static Map<String, Set<String>> otlp;

    @BeforeAll
    static void renderBoth() throws Exception {
        EngineState state = engineStateWithEverySignalKnown();

        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        SignalMeters signals = new SignalMeters(registry);
        signals.update(state);
        // A later scrape whose queue reading was rejected: the rejection counter has a series too.
        signals.update(withQueueRejected(state));
        GpuMeters gpu = new GpuMeters(registry, "nvml");
        gpu.update(new GpuReading("nvml", ProbeState.AVAILABLE, "ok", Instant.now(), List.of(
                GpuDevice.builder(0, "GPU-00000000-0000-0000-0000-000000000000", "NVIDIA H100 80GB HBM3")
                        .memoryTotalBytes(80e9).memoryUsedBytes(70e9).memoryFreeBytes(10e9).gpuUtilization(1)
                        .memoryUtilization(0.4).powerWatts(500).temperatureCelsius(60).build())));
        ControllerMeters controller = new ControllerMeters(registry);
        controller.onDecision(decision());
        // Failed rounds, of a policy and of the sidecar's loop: their counters by kind have series too.
        controller.onFailure(decision().key(), new IllegalStateException("a policy's pod watch threw"));
        new LoopFailures(registry, MetricFamily.SCRAPE_LOOP_FAILURES).count(new StackOverflowError());
        prometheus = families(registry.scrape());
        signals.close();
        gpu.close();

        List<MetricData> collected = new ArrayList<>();
        Reader reader = new Reader();
        try (SdkMeterProvider provider = SdkMeterProvider.builder().registerMetricReader(reader)
                .registerMetricProducer(new GenAiHistograms(() -> Optional.of(state), "chat")).build()) {
            SignalInstruments instruments = new SignalInstruments(provider.get(OtlpMetric.SCOPE),
                    () -> Optional.of(state), () -> Map.of("ok", 3.0));
            collected.addAll(reader.registration.get().collectAllMetrics());
            instruments.close();
        }
        otlp = new TreeMap<>();
        for (MetricData m : collected) {
            Set<String> keys = otlp.computeIfAbsent(m.getName(), n -> new TreeSet<>());
            m.getData().getPoints().forEach(p -> p.getAttributes().forEach((k, v) -> keys.add(k.getKey())));
        }
    }

    @ParameterizedTest
    @EnumSource(MetricFamily.class)
    void eachRowIsExportedByTheExportersItNamesWithItsLabels(MetricFamily family) {
        if (family.exporters().contains(MetricFamily.Exporter.PROMETHEUS)) {
            assertThat(prometheus).as("/q/metrics").containsKey(family.prometheusName().orElseThrow());
            assertThat(prometheus.get(family.prometheusName().orElseThrow())).as("labels of %s", family)
                    .containsExactlyInAnyOrderElementsOf(family.labels());
        } else {
            assertThat(family.oneSided()).as("why %s is OTLP only", family).isPresent();
        }
        if (family.exporters().contains(MetricFamily.Exporter.OTLP)) {
            assertThat(otlp).as("OTLP").containsKey(family.otlpName().orElseThrow());
            assertThat(otlp.get(family.otlpName().orElseThrow())).as("attributes of %s", family)
                    .containsExactlyInAnyOrderElementsOf(otlpAttributes(family));
        } else {
            assertThat(family.oneSided()).as("why %s is Prometheus only", family).isPresent();
            assertThat(otlp.keySet()).as("no OTLP instrument renders %s", family)
                    .noneMatch(name -> name.replace('.', '_').startsWith(family.meterName()));
        }
    }

    @Test
    void everyHeadroomFamilyOnEitherPathIsARow() {
        Set<String> prometheusRows = new HashSet<>();
        Set<String> otlpRows = new HashSet<>();
        for (MetricFamily f : MetricFamily.values()) {
            f.prometheusName().ifPresent(prometheusRows::add);
            f.otlpName().ifPresent(otlpRows::add);
        }
        assertThat(prometheus.keySet()).filteredOn(name -> name.startsWith("headroom_")).containsExactlyInAnyOrderElementsOf(prometheusRows);
        assertThat(otlp.keySet()).containsExactlyInAnyOrderElementsOf(otlpRows);
    }

    @Test
    void theRowsRenderedByBothAreTheSidecarsAndTheOneSidedOnesSayWhy() {
        assertThat(MetricFamily.values()).filteredOn(f -> f.exporters().size() == 2)
                .allSatisfy(f -> assertThat(f.oneSided()).isEmpty())
                .contains(MetricFamily.ENGINE_UP, MetricFamily.SCRAPES, MetricFamily.SATURATION, MetricFamily.QUEUE)
                .doesNotContain(MetricFamily.GPU_UTILIZATION, MetricFamily.POLICY_SATURATION,
                        MetricFamily.GEN_AI_REQUEST_DURATION);
        assertThat(MetricFamily.values()).filteredOn(f -> f.exporters().size() == 1)
                .allSatisfy(f -> assertThat(f.oneSided()).hasValueSatisfying(why -> assertThat(why).isNotBlank()));
    }

    @Test
    void namesAreUniqueAndFollowTheConventions() {
        List<String> prometheusNames = new ArrayList<>();
        List<String> otlpNames = new ArrayList<>();
        for (MetricFamily f : MetricFamily.values()) {
            f.prometheusName().ifPresent(prometheusNames::add);
            f.otlpName().ifPresent(otlpNames::add);
        }
        assertThat(prometheusNames).doesNotHaveDuplicates().allMatch(n -> n.matches("headroom_[a-z0-9_]+"));
        assertThat(otlpNames).doesNotHaveDuplicates().allMatch(n -> n.matches("(headroom|gen_ai)\\.[a-z0-9_.]+"));
        // Each signal is a family of its own (a per-pod quantile says so in its name), and no family carries the
        // quantile label, which Prometheus reserves for summaries.
        assertThat(Arrays.stream(Signal.values()).map(MetricFamily::of).distinct().count()).isEqualTo(Signal.values().length);
        assertThat(MetricFamily.of(Signal.TTFT_P95).prometheusName()).contains("headroom_time_to_first_token_p95_seconds");
        assertThat(MetricFamily.values()).allSatisfy(f -> assertThat(f.labels()).doesNotContain("quantile"));
    }

    @Test
    void everyEngineLatencyIsAlsoAHistogramOnBothPathsWithLeBuckets() {
        for (LatencySignal latency : LatencySignal.values()) {
            MetricFamily h = MetricFamily.histogram(latency);
            assertThat(h.type()).isEqualTo(MetricFamily.Type.HISTOGRAM);
            assertThat(h.exporters()).containsExactlyInAnyOrder(MetricFamily.Exporter.PROMETHEUS, MetricFamily.Exporter.OTLP);
            // The buckets carry le beside the row's labels; _sum and _count only the row's.
            assertThat(bucketLabels.get(h.prometheusName().orElseThrow())).as("%s_bucket", h)
                    .containsExactlyInAnyOrder(MetricFamily.Labels.MODEL, "le");
        }
    }

    /** The OTLP attributes of a row both export: {@code model} becomes the engine's GenAI and server attributes. */
    private static List<String> otlpAttributes(MetricFamily family) {
        if (!family.exporters().contains(MetricFamily.Exporter.PROMETHEUS)) {
            return family.labels();
        }
        List<String> out = new ArrayList<>();
        for (String label : family.labels()) {
            if (label.equals(MetricFamily.Labels.MODEL)) {
                out.addAll(List.of(OtlpMetric.ATTR_MODEL, OtlpMetric.ATTR_SERVER_ADDRESS, OtlpMetric.ATTR_SERVER_PORT));
            } else {
                out.add(label);
            }
        }
        return out;
    }

    /**
     * Family name → label keys. A histogram's samples ({@code _bucket}, {@code _sum}, {@code _count}) count as its
     * family, as its {@code # TYPE} line names it; the buckets' {@code le} is kept apart, in {@link #bucketLabels}.
     */
    private static Map<String, Set<String>> families(String text) {
        Map<String, Set<String>> out = new TreeMap<>();
        Set<String> histograms = new HashSet<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("# TYPE ") && line.endsWith(" histogram")) {
                histograms.add(line.split(" ")[2]);
            }
        }
        for (String line : text.split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (line.startsWith("#") || !m.find()) {
                continue;
            }
            String name = m.group(1);
            String family = name.replaceFirst("_(bucket|sum|count)$", "");
            boolean bucket = name.endsWith("_bucket") && histograms.contains(family);
            if (!histograms.contains(family)) {
                family = name;
            }
            Set<String> keys = out.computeIfAbsent(family, n -> new TreeSet<>());
            Set<String> bucketKeys = bucket ? bucketLabels.computeIfAbsent(family, n -> new TreeSet<>()) : null;
            if (m.group(3) != null) {
                Matcher label = LABEL.matcher(m.group(3));
                while (label.find()) {
                    if (bucket) {
                        bucketKeys.add(label.group(1));
                    }
                    if (!(bucket && label.group(1).equals("le"))) {
                        keys.add(label.group(1));
                    }
                }
            }
        }
        return out;
    }

    /** A decision with one signal's reading, as the controller records it. */
    private static WorkloadDecision decision() {
        WorkloadDecision d = Decisions.decision("llm", "chat", ScalingMode.DIRECT, Instant.now(), 2, 3,
                DecisionReason.SCALE_UP);
        ScalingDecision s = d.decision();
        SignalInput queue = new SignalInput(Signal.QUEUE, Aggregation.of(Signal.QUEUE), 4, OptionalDouble.of(12),
                OptionalDouble.of(6), OptionalDouble.of(1.5), OptionalInt.of(3), 2, SignalOutcome.PROPOSED);
        // An arrivals_ps target learned from an SLO: the learned-capacity rows have series too.
        SignalInput learned = new SignalInput(Signal.ARRIVALS_PS, Aggregation.SUM, 9, OptionalDouble.of(20),
                OptionalDouble.of(10), OptionalDouble.of(10 / 9.0), OptionalInt.of(3), 2, SignalOutcome.PROPOSED,
                OptionalDouble.empty(), Optional.of(new dev.headroom.autoscaler.policy.LearnedCapacity(10,
                        dev.headroom.autoscaler.policy.LearnedCapacity.SloTerm.ITL,
                        dev.headroom.autoscaler.policy.LearnedCapacity.Confidence.CONFIDENT, 40, 10, 1000, 200, 0.1,
                        1.5)));
        return new WorkloadDecision(d.key(), d.target(), d.mode(), d.spec(), 2, new ScalingDecision(s.workload(),
                s.at(), 2, 3, 3, 3, DecisionReason.SCALE_UP, Optional.of(Signal.QUEUE), List.of(queue, learned), 2, 0, 0,
                "scale up 2 → 3"), true, Optional.empty());
    }

    /**
     * The simulated engine's state once it has served requests: every signal known (latencies need finished
     * requests, rates two samples). The monitor's clock moves one second per scrape.
     */
    /** The same state, its queue (and arrivals, which read it) unknown because the engine reported it below 0. */
    private static EngineState withQueueRejected(EngineState s) {
        Signals known = s.signals();
        Map<Signal, Double> values = new EnumMap<>(known.values());
        values.remove(Signal.QUEUE);
        values.remove(Signal.ARRIVALS_PS);
        Rejection negative = new Rejection(GaugeSignal.QUEUE, Rejection.Reason.NEGATIVE, "queue read -50.0");
        Signals rejected = new Signals(known.at(), known.engine(), values, false, known.age(), known.samples(),
                Map.of(Signal.QUEUE, negative, Signal.ARRIVALS_PS, negative));
        return new EngineState(s.engineUrl(), s.engineUp(), s.lastScrape(), rejected,
                Saturation.of(rejected, s.targets()), s.targets(), s.scrapesOk(), s.scrapesFailed(), s.latestSample());
    }

    private static EngineState engineStateWithEverySignalKnown() throws Exception {
        AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-01T10:00:00Z"));
        InstantSource clock = now::get;
        try (EngineServer engine = EngineServer.start(EngineConfig.demo(), ServerOptions.defaults().withTimeScale(8))) {
            EngineMonitor monitor = new EngineMonitor(ScrapeConfig.defaults(engine.baseUri().resolve("/metrics")),
                    new WindowConfig(64, Duration.ofSeconds(30), Duration.ofSeconds(3)), SaturationTargets.defaults(),
                    clock);
            List<CompletableFuture<?>> requests = new ArrayList<>();
            AtomicReference<EngineState> state = new AtomicReference<>();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                requests.removeIf(CompletableFuture::isDone);
                while (requests.size() < 8) {
                    requests.add(engine.submit(200, 20));
                }
                now.set(now.get().plusSeconds(1));
                EngineState s = monitor.scrapeOnce();
                state.set(s);
                assertThat(s.signals().stale()).isFalse();
                for (Signal signal : Signal.values()) {
                    assertThat(s.signals().get(signal)).as(signal.key()).isPresent();
                }
            });
            requests.forEach(r -> r.cancel(true));
            return state.get();
        }
    }

    /** A reader that collects when asked, as the SDK's periodic reader does on its schedule. */
    private static final class Reader implements MetricReader {
        final AtomicReference<CollectionRegistration> registration = new AtomicReference<>();

        @Override
        public void register(CollectionRegistration r) {
            registration.set(r);
        }

        @Override
        public AggregationTemporality getAggregationTemporality(InstrumentType type) {
            return AggregationTemporality.CUMULATIVE;
        }

        @Override
        public CompletableResultCode forceFlush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public void close() {
        }
    }
}
