package dev.headroom.agent.otel;

import dev.headroom.signals.monitor.EngineState;
import dev.headroom.collectors.engine.EngineIdentity;
import dev.headroom.collectors.engine.EngineSample;
import dev.headroom.collectors.engine.Histogram;
import dev.headroom.collectors.engine.LatencySignal;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.Data;
import io.opentelemetry.sdk.metrics.data.HistogramData;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.sdk.metrics.export.MetricProducer;
import io.opentelemetry.sdk.resources.Resource;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The engine's own cumulative latency histograms, re-published over OTLP as histograms, unit {@code s}, cumulative
 * temporality: each under Headroom's name ({@link OtlpMetric#histogram(LatencySignal)}, what the dashboards read
 * after the Collector's Prometheus translation) and, where the GenAI semantic conventions define one, under the
 * conventions' name too ({@link OtlpMetric#genAi(LatencySignal)}).
 *
 * <p>The OpenTelemetry API records observations one by one; the engine has already aggregated them, so this is
 * a {@link MetricProducer} (registered with {@code SdkMeterProviderBuilder.registerMetricProducer}) that hands the
 * SDK finished histogram points at each collection. The bucket boundaries are the engine's: re-bucketing into the
 * conventions' advisory boundaries would have to guess where observations fall inside a bucket.
 *
 * <p>The start time of a series is the scrape time of the first sample seen. When the engine's counts go down
 * (a restart) or its boundaries change, the series starts again at the previous sample's time, the latest instant
 * known to precede every observation in the new counts. A latency the engine does not expose, a stale state, or
 * a histogram that is not a valid cumulative one produces no point: never a zero histogram.
 */
public final class GenAiHistograms implements MetricProducer {

    private static final Logger LOG = Logger.getLogger(GenAiHistograms.class);
    private static final InstrumentationScopeInfo SCOPE = InstrumentationScopeInfo.create(OtlpMetric.SCOPE);

    private final Supplier<Optional<EngineState>> state;
    private final String operationName;
    /** The last point of each latency's series, to tell a continuing series from a restarted one. */
    private final Map<LatencySignal, Series> series = new EnumMap<>(LatencySignal.class);

    private record Series(Attributes attributes, double[] bounds, double[] cumulative, long startNanos, long lastNanos) {
    }

    /**
     * @param state         the sidecar's state now; its {@link EngineState#latestSample()} is empty when stale
     * @param operationName {@code gen_ai.operation.name} on every point
     */
    public GenAiHistograms(Supplier<Optional<EngineState>> state, String operationName) {
        this.state = Objects.requireNonNull(state, "state");
        this.operationName = Objects.requireNonNull(operationName, "operationName");
    }

    @Override
    public synchronized Collection<MetricData> produce(Resource resource) {
        Optional<EngineState> current = state.get();
        Optional<EngineSample> latest = current.flatMap(EngineState::latestSample);
        if (latest.isEmpty()) {
            return List.of();
        }
        EngineSample sample = latest.get();
        Attributes genAi = attributes(sample.engine(), current.get(), operationName);
        Attributes engine = SignalInstruments.engineAttributes(sample.engine().model(), current.get().engineUrl());
        long nanos = epochNanos(sample.scrapedAt());
        List<MetricData> out = new ArrayList<>(7);
        for (LatencySignal latency : LatencySignal.values()) {
            Optional<Histogram> histogram = sample.latency(latency);
            if (histogram.isEmpty()) {
                continue;
            }
            Point point = point(latency, histogram.get(), genAi, nanos);
            if (point == null) {
                continue;
            }
            // Under Headroom's name, with the attributes of every other Headroom series, so that the Collector's
            // Prometheus translation gives the name /q/metrics has; and under the GenAI name where there is one.
            out.add(metric(resource, OtlpMetric.histogram(latency), point.at(engine)));
            Optional<OtlpMetric> conventions = OtlpMetric.genAi(latency);
            if (conventions.isPresent()) {
                out.add(metric(resource, conventions.get(), point.at(genAi)));
            }
        }
        return out;
    }

    private static MetricData metric(Resource resource, OtlpMetric m, HistogramPointData point) {
        return new HistogramMetric(resource, SCOPE, m.name(), m.description(), m.unit(),
                HistogramData.create(AggregationTemporality.CUMULATIVE, List.of(point)));
    }

    /** One engine histogram as OTLP points take it, for any attributes. */
    private record Point(long start, long nanos, double sum, List<Double> boundaries, List<Long> counts) {
        HistogramPointData at(Attributes attributes) {
            return HistogramPointData.create(start, nanos, attributes, sum, false, 0, false, 0, boundaries, counts);
        }
    }

    /** The OTLP point for one engine histogram, or null (with the reason logged) when it is not a valid one. */
    private Point point(LatencySignal latency, Histogram h, Attributes attributes, long nanos) {
        int n = h.bucketCount();
        double[] bounds = h.upperBounds();
        double[] cumulative = h.cumulativeCounts();
        List<Double> boundaries = new ArrayList<>(n - 1);
        List<Long> counts = new ArrayList<>(n);
        double below = 0;
        for (int i = 0; i < n; i++) {
            double c = cumulative[i];
            if (!Double.isFinite(c) || c < below) {
                LOG.debugf("%s histogram of %s not exported: bucket le=%s holds %s after %s (cumulative counts must be"
                        + " finite and non-decreasing)", latency, attributes, bounds[i], c, below);
                return null;
            }
            counts.add(Math.round(c - below));
            below = c;
            if (i < n - 1) {
                if (!Double.isFinite(bounds[i])) {
                    LOG.debugf("%s histogram of %s not exported: bucket bound %s (OTLP bounds are finite)", latency,
                            attributes, bounds[i]);
                    return null;
                }
                boundaries.add(bounds[i]);
            }
        }
        if (!Double.isFinite(h.sum())) {
            LOG.debugf("%s histogram of %s not exported: sum is %s", latency, attributes, h.sum());
            return null;
        }
        long start = startNanos(latency, attributes, bounds, cumulative, nanos);
        return new Point(start, nanos, h.sum(), boundaries, counts);
    }

    /** The series' start time, started again when the series is new or the engine's counts went back. */
    private long startNanos(LatencySignal latency, Attributes attributes, double[] bounds, double[] cumulative, long nanos) {
        Series previous = series.get(latency);
        long start;
        if (previous == null || !previous.attributes.equals(attributes)) {
            start = nanos;
        } else if (nanos <= previous.lastNanos) {
            return previous.startNanos; // the same sample again: nothing new to learn
        } else if (!Arrays.equals(previous.bounds, bounds) || wentBack(previous.cumulative, cumulative)) {
            start = previous.lastNanos;
        } else {
            start = previous.startNanos;
        }
        series.put(latency, new Series(attributes, bounds, cumulative, start, nanos));
        return start;
    }

    private static boolean wentBack(double[] before, double[] now) {
        for (int i = 0; i < now.length; i++) {
            if (now[i] < before[i]) {
                return true;
            }
        }
        return false;
    }

    static Attributes attributes(EngineIdentity engine, EngineState state, String operationName) {
        return SignalInstruments.engineAttributes(engine.model(), state.engineUrl()).toBuilder()
                .put(OtlpMetric.ATTR_PROVIDER, providerName(engine.dialect()))
                .put(OtlpMetric.ATTR_OPERATION, operationName)
                .build();
    }

    /**
     * {@code gen_ai.provider.name} for a self-hosted engine: the engine, by the name of the dialect that read it
     * ({@code vllm}, {@code sglang}, {@code tgi}, ...). The conventions list hosted providers only; for anything
     * else they ask for a custom value, and the engine is what serves the model here.
     */
    static String providerName(String dialect) {
        return dialect.startsWith("vllm") ? "vllm" : dialect;
    }

    private static long epochNanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    /** A histogram metric built from the SDK's public data interfaces. */
    private record HistogramMetric(Resource resource, InstrumentationScopeInfo scope, String name, String description,
                                   String unit, HistogramData data) implements MetricData {

        @Override
        public Resource getResource() {
            return resource;
        }

        @Override
        public InstrumentationScopeInfo getInstrumentationScopeInfo() {
            return scope;
        }

        @Override
        public String getName() {
            return name;
        }

        @Override
        public String getDescription() {
            return description;
        }

        @Override
        public String getUnit() {
            return unit;
        }

        @Override
        public MetricDataType getType() {
            return MetricDataType.HISTOGRAM;
        }

        @Override
        public Data<?> getData() {
            return data;
        }
    }
}
