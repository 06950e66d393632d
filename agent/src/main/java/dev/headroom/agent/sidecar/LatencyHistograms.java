package dev.headroom.agent.sidecar;

import dev.headroom.agent.metrics.MetricFamily;
import dev.headroom.collectors.engine.EngineSample;
import dev.headroom.collectors.engine.Histogram;
import dev.headroom.collectors.engine.LatencySignal;
import dev.headroom.signals.monitor.EngineState;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.prometheus.client.Collector;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The engine's cumulative latency histograms on {@code /q/metrics} as Prometheus histograms
 * ({@code _bucket{le}}, {@code _sum}, {@code _count}) under Headroom's names ({@link MetricFamily#histogram}), so
 * that a latency quantile over many pods is {@code histogram_quantile(0.95, sum by (le) (rate(..._bucket[5m])))}:
 * the per-pod windowed quantiles cannot be combined so.
 *
 * <p>Micrometer records observations one by one and cannot publish a histogram the engine already aggregated, so
 * this is a Prometheus client {@link Collector}, registered beside Micrometer's own in the
 * {@link PrometheusMeterRegistry}'s registry: one {@code /q/metrics} read serves both. The bounds and counts are
 * the engine's (re-bucketing would have to guess where observations fell inside a bucket). A latency the engine
 * does not expose, stale signals, or a histogram that is not a valid cumulative one give no series, never a zero
 * histogram; an engine restart reads as a counter reset, which {@code rate()} handles.
 */
final class LatencyHistograms extends Collector {

    private final Supplier<EngineState> state;

    LatencyHistograms(Supplier<EngineState> state) {
        this.state = state;
    }

    /** The Prometheus registry behind {@code registry}, itself or inside a composite; empty when there is none. */
    static Optional<PrometheusMeterRegistry> prometheus(MeterRegistry registry) {
        if (registry instanceof PrometheusMeterRegistry p) {
            return Optional.of(p);
        }
        if (registry instanceof CompositeMeterRegistry composite) {
            for (MeterRegistry inner : composite.getRegistries()) {
                Optional<PrometheusMeterRegistry> found = prometheus(inner);
                if (found.isPresent()) {
                    return found;
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public List<MetricFamilySamples> collect() {
        EngineState s = state.get();
        // latestSample() is empty whenever the signals are stale: an old reading is never shown as current.
        Optional<EngineSample> latest = s == null ? Optional.empty() : s.latestSample();
        if (latest.isEmpty()) {
            return List.of();
        }
        EngineSample sample = latest.get();
        List<MetricFamilySamples> out = new ArrayList<>();
        for (LatencySignal latency : LatencySignal.values()) {
            sample.latency(latency).filter(LatencyHistograms::valid).ifPresent(h ->
                    out.add(family(MetricFamily.histogram(latency), sample.engine().model(), h)));
        }
        return out;
    }

    private static MetricFamilySamples family(MetricFamily family, String model, Histogram h) {
        String name = family.prometheusName().orElseThrow();
        List<MetricFamilySamples.Sample> samples = new ArrayList<>(h.bucketCount() + 2);
        for (int i = 0; i < h.bucketCount(); i++) {
            samples.add(new MetricFamilySamples.Sample(name + "_bucket", List.of(MetricFamily.Labels.MODEL, "le"),
                    List.of(model, doubleToGoString(h.upperBound(i))), h.cumulativeCount(i)));
        }
        // _count is the +Inf bucket, as Prometheus requires of a histogram.
        samples.add(new MetricFamilySamples.Sample(name + "_count", List.of(MetricFamily.Labels.MODEL), List.of(model),
                h.cumulativeCount(h.bucketCount() - 1)));
        samples.add(new MetricFamilySamples.Sample(name + "_sum", List.of(MetricFamily.Labels.MODEL), List.of(model),
                h.sum()));
        return new MetricFamilySamples(name, Type.HISTOGRAM, family.help(), samples);
    }

    /** Finite cumulative counts that never fall from one bucket to the next, and a finite sum. */
    private static boolean valid(Histogram h) {
        double below = 0;
        for (int i = 0; i < h.bucketCount(); i++) {
            double c = h.cumulativeCount(i);
            if (!Double.isFinite(c) || c < below) {
                return false;
            }
            below = c;
        }
        return Double.isFinite(h.sum());
    }
}
