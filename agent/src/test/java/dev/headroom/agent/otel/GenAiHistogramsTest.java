package dev.headroom.agent.otel;

import dev.headroom.signals.monitor.EngineState;
import dev.headroom.signals.Saturation;
import dev.headroom.signals.SaturationTargets;
import dev.headroom.signals.Signals;
import dev.headroom.collectors.engine.EngineIdentity;
import dev.headroom.collectors.engine.EngineSample;
import dev.headroom.collectors.engine.Histogram;
import dev.headroom.collectors.engine.LatencySignal;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.resources.Resource;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The producer over hand-made engine states: how a cumulative series starts, continues and restarts, and what
 * is left out. The end-to-end path (real engine, real receivers) is in {@link OtlpHttpExportTest}.
 */
class GenAiHistogramsTest {

    private static final double INF = Double.POSITIVE_INFINITY;
    private static final double[] BOUNDS = {0.1, 0.5, 1, INF};
    private static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");
    private static final URI ENGINE = URI.create("http://10.0.0.7:8000/metrics");

    private final AtomicReference<Optional<EngineState>> state = new AtomicReference<>(Optional.empty());
    private final GenAiHistograms producer = new GenAiHistograms(state::get, "text_completion");

    @Test
    void theEngineHistogramBecomesACumulativeOtlpHistogramWithTheEngineBoundsAndPerBucketCounts() {
        state.set(fresh(sample(T0, "vllm-v1", new Histogram(BOUNDS, new double[] {2, 5, 9, 10}, 10, 4.25))));

        MetricData ttft = only(producer.produce(Resource.empty()), OtlpMetric.GEN_AI_TIME_TO_FIRST_TOKEN);
        assertThat(ttft.getUnit()).isEqualTo("s");
        assertThat(ttft.getInstrumentationScopeInfo().getName()).isEqualTo(OtlpMetric.SCOPE);
        assertThat(ttft.getHistogramData().getAggregationTemporality()).isEqualTo(AggregationTemporality.CUMULATIVE);
        HistogramPointData p = ttft.getHistogramData().getPoints().iterator().next();
        assertThat(p.getBoundaries()).containsExactly(0.1, 0.5, 1.0);
        assertThat(p.getCounts()).containsExactly(2L, 3L, 4L, 1L);
        assertThat(p.getCount()).isEqualTo(10);
        assertThat(p.getSum()).isEqualTo(4.25);
        assertThat(p.hasMin()).isFalse();
        assertThat(p.hasMax()).isFalse();
        assertThat(p.getEpochNanos()).isEqualTo(nanos(T0));
        assertThat(p.getStartEpochNanos()).isEqualTo(nanos(T0));
        assertThat(p.getAttributes().asMap()).containsOnly(
                Map.entry(AttributeKey.stringKey(OtlpMetric.ATTR_OPERATION), "text_completion"),
                Map.entry(AttributeKey.stringKey(OtlpMetric.ATTR_PROVIDER), "vllm"),
                Map.entry(AttributeKey.stringKey(OtlpMetric.ATTR_MODEL), "llama"),
                Map.entry(AttributeKey.stringKey(OtlpMetric.ATTR_SERVER_ADDRESS), "10.0.0.7"),
                Map.entry(AttributeKey.longKey(OtlpMetric.ATTR_SERVER_PORT), 8000L));
    }

    @Test
    void aSeriesKeepsItsStartUntilTheEngineCountsGoBackThenStartsAfterTheLastSampleOfTheOldRun() {
        Instant t1 = T0.plusSeconds(5);
        Instant t2 = T0.plusSeconds(10);
        state.set(fresh(sample(T0, "vllm-v1", new Histogram(BOUNDS, new double[] {2, 5, 9, 10}, 10, 4))));
        assertThat(ttftPoint().getStartEpochNanos()).isEqualTo(nanos(T0));

        state.set(fresh(sample(t1, "vllm-v1", new Histogram(BOUNDS, new double[] {3, 7, 12, 14}, 14, 6))));
        HistogramPointData grown = ttftPoint();
        assertThat(grown.getStartEpochNanos()).isEqualTo(nanos(T0));
        assertThat(grown.getCount()).isEqualTo(14);
        // The same sample collected twice: the same point.
        assertThat(ttftPoint().getStartEpochNanos()).isEqualTo(nanos(T0));

        // Engine restarted: fewer observations than before. The new run began after t1, the last sample of the old.
        state.set(fresh(sample(t2, "vllm-v1", new Histogram(BOUNDS, new double[] {1, 1, 2, 2}, 2, 0.7))));
        HistogramPointData restarted = ttftPoint();
        assertThat(restarted.getStartEpochNanos()).isEqualTo(nanos(t1));
        assertThat(restarted.getEpochNanos()).isEqualTo(nanos(t2));
        assertThat(restarted.getCount()).isEqualTo(2);
    }

    @Test
    void nothingIsProducedWithoutAFreshSampleAndABrokenHistogramIsLeftOutAlone() {
        assertThat(producer.produce(Resource.empty())).isEmpty(); // not running as a sidecar

        state.set(Optional.of(stale()));
        assertThat(producer.produce(Resource.empty())).isEmpty();

        // TTFT's cumulative counts fall from one bucket to the next: not a histogram, under no name. E2E is fine,
        // under both names; queue time has no GenAI name, only Headroom's; ITL is not exposed.
        EngineSample sample = EngineSample.builder(T0, new EngineIdentity("sglang", "qwen", null))
                .latency(LatencySignal.TTFT, new Histogram(BOUNDS, new double[] {5, 3, 9, 10}, 10, 1))
                .latency(LatencySignal.E2E, new Histogram(BOUNDS, new double[] {0, 0, 1, 4}, 4, 9))
                .latency(LatencySignal.QUEUE_TIME, new Histogram(BOUNDS, new double[] {4, 4, 4, 4}, 4, 0.1))
                .build();
        state.set(fresh(sample));
        Collection<MetricData> out = producer.produce(Resource.empty());
        assertThat(out).extracting(MetricData::getName).containsExactlyInAnyOrder(
                OtlpMetric.GEN_AI_REQUEST_DURATION.name(), OtlpMetric.histogram(LatencySignal.E2E).name(),
                OtlpMetric.histogram(LatencySignal.QUEUE_TIME).name());
        HistogramPointData e2e = only(out, OtlpMetric.GEN_AI_REQUEST_DURATION).getHistogramData().getPoints().iterator().next();
        assertThat(e2e.getCounts()).containsExactly(0L, 0L, 1L, 3L);
        assertThat(e2e.getAttributes().get(AttributeKey.stringKey(OtlpMetric.ATTR_PROVIDER))).isEqualTo("sglang");
        // Under Headroom's name: the same point, with the attributes of Headroom's other series (no GenAI ones).
        HistogramPointData headroom = only(out, OtlpMetric.histogram(LatencySignal.E2E)).getHistogramData()
                .getPoints().iterator().next();
        assertThat(headroom.getCounts()).isEqualTo(e2e.getCounts());
        assertThat(headroom.getStartEpochNanos()).isEqualTo(e2e.getStartEpochNanos());
        assertThat(headroom.getAttributes().asMap().keySet()).extracting(AttributeKey::getKey)
                .containsExactlyInAnyOrder(OtlpMetric.ATTR_MODEL, OtlpMetric.ATTR_SERVER_ADDRESS, OtlpMetric.ATTR_SERVER_PORT);
    }

    @Test
    void aStaleStateCannotCarryASample() {
        Signals stale = new Signals(T0, new EngineIdentity("vllm-v1", "llama", null), Map.of(), true,
                Duration.ofSeconds(10), 1);
        EngineSample sample = sample(T0, "vllm-v1", new Histogram(BOUNDS, new double[] {1, 1, 1, 1}, 1, 1));
        assertThatThrownBy(() -> state(stale, Optional.of(sample)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("stale");
    }

    private HistogramPointData ttftPoint() {
        return only(producer.produce(Resource.empty()), OtlpMetric.GEN_AI_TIME_TO_FIRST_TOKEN)
                .getHistogramData().getPoints().iterator().next();
    }

    private static MetricData only(Collection<MetricData> metrics, OtlpMetric metric) {
        List<MetricData> named = metrics.stream().filter(m -> m.getName().equals(metric.name())).toList();
        assertThat(named).as(metric.name()).hasSize(1);
        assertThat(named.get(0).getHistogramData().getPoints()).hasSize(1);
        return named.get(0);
    }

    private static EngineSample sample(Instant at, String dialect, Histogram ttft) {
        return EngineSample.builder(at, new EngineIdentity(dialect, "llama", "0.11.0"))
                .latency(LatencySignal.TTFT, ttft)
                .build();
    }

    private static Optional<EngineState> fresh(EngineSample sample) {
        Signals signals = new Signals(sample.scrapedAt(), sample.engine(), Map.of(), false, Duration.ZERO, 1);
        return Optional.of(state(signals, Optional.of(sample)));
    }

    private static EngineState stale() {
        return state(Signals.empty(T0), Optional.empty());
    }

    private static EngineState state(Signals signals, Optional<EngineSample> sample) {
        SaturationTargets targets = SaturationTargets.defaults();
        return new EngineState(ENGINE, true, Optional.empty(), signals, Saturation.of(signals, targets), targets, 1, 0,
                sample);
    }

    private static long nanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }
}
