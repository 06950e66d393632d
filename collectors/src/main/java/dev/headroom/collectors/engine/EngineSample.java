package dev.headroom.collectors.engine;

import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One scrape of one engine, mapped onto Headroom's canonical signals.
 *
 * <p>A signal the engine does not expose is <em>absent</em> from its map: unknown, never zero. Gauges are
 * as read; counters and histograms are cumulative (rates and windowed quantiles are derived later, over
 * several samples). Data-parallel ranks are already summed by the dialect.
 */
public record EngineSample(
        Instant scrapedAt,
        EngineIdentity engine,
        Map<GaugeSignal, Double> gauges,
        Map<CounterSignal, Double> counters,
        Map<LatencySignal, Histogram> latencies) {

    public EngineSample {
        Objects.requireNonNull(scrapedAt, "scrapedAt");
        Objects.requireNonNull(engine, "engine");
        gauges = immutableCopy(gauges, GaugeSignal.class);
        counters = immutableCopy(counters, CounterSignal.class);
        latencies = immutableCopy(latencies, LatencySignal.class);
        gauges.forEach((k, v) -> requireFinite(k, v));
        counters.forEach((k, v) -> requireFinite(k, v));
    }

    private static <K extends Enum<K>, V> Map<K, V> immutableCopy(Map<K, V> in, Class<K> type) {
        if (in == null || in.isEmpty()) {
            return Collections.unmodifiableMap(new EnumMap<>(type));
        }
        return Collections.unmodifiableMap(new EnumMap<>(in));
    }

    private static void requireFinite(Enum<?> signal, Double v) {
        if (v == null || !Double.isFinite(v)) {
            throw new IllegalArgumentException(signal + " must be a finite number, got " + v
                    + " (leave an unknown signal out instead)");
        }
    }

    public OptionalDouble gauge(GaugeSignal signal) {
        Double v = gauges.get(signal);
        return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
    }

    public OptionalDouble counter(CounterSignal signal) {
        Double v = counters.get(signal);
        return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
    }

    public Optional<Histogram> latency(LatencySignal signal) {
        return Optional.ofNullable(latencies.get(signal));
    }

    /** A builder for dialects, which fill a sample one family at a time. */
    public static Builder builder(Instant scrapedAt, EngineIdentity engine) {
        return new Builder(scrapedAt, engine);
    }

    public static final class Builder {
        private Instant scrapedAt;
        private EngineIdentity engine;
        private final EnumMap<GaugeSignal, Double> gauges = new EnumMap<>(GaugeSignal.class);
        private final EnumMap<CounterSignal, Double> counters = new EnumMap<>(CounterSignal.class);
        private final EnumMap<LatencySignal, Histogram> latencies = new EnumMap<>(LatencySignal.class);

        private Builder(Instant scrapedAt, EngineIdentity engine) {
            this.scrapedAt = scrapedAt;
            this.engine = engine;
        }

        public Builder engine(EngineIdentity engine) {
            this.engine = engine;
            return this;
        }

        public Builder scrapedAt(Instant scrapedAt) {
            this.scrapedAt = scrapedAt;
            return this;
        }

        public Builder gauge(GaugeSignal signal, double value) {
            gauges.put(signal, value);
            return this;
        }

        public Builder counter(CounterSignal signal, double value) {
            counters.put(signal, value);
            return this;
        }

        public Builder latency(LatencySignal signal, Histogram histogram) {
            latencies.put(signal, histogram);
            return this;
        }

        public EngineSample build() {
            return new EngineSample(scrapedAt, engine, gauges, counters, latencies);
        }
    }
}
