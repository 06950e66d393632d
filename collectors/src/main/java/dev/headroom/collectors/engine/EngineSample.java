package dev.headroom.collectors.engine;

import java.time.Instant;
import java.util.Collections;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
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
 *
 * <p>Every value held is one its input can have: finite, never negative, and KV utilisation within [0, 1]. A
 * reading that is not is left out and listed in {@code rejections} with the reason; the {@link Builder} sorts them
 * out, so that no dialect can pass a negative queue on as "idle" or a ratio of 7 as "full".
 *
 * @param rejections the readings left out of this sample because they were not valid, in the order found
 */
public record EngineSample(
        Instant scrapedAt,
        EngineIdentity engine,
        Map<GaugeSignal, Double> gauges,
        Map<CounterSignal, Double> counters,
        Map<LatencySignal, Histogram> latencies,
        List<Rejection> rejections) {

    public EngineSample {
        Objects.requireNonNull(scrapedAt, "scrapedAt");
        Objects.requireNonNull(engine, "engine");
        gauges = immutableCopy(gauges, GaugeSignal.class);
        counters = immutableCopy(counters, CounterSignal.class);
        latencies = immutableCopy(latencies, LatencySignal.class);
        rejections = rejections == null ? List.of() : List.copyOf(rejections);
        gauges.forEach((k, v) -> requireValid(k, v));
        counters.forEach((k, v) -> requireValid(k, v));
    }

    /** A sample in which nothing was rejected. */
    public EngineSample(Instant scrapedAt, EngineIdentity engine, Map<GaugeSignal, Double> gauges,
            Map<CounterSignal, Double> counters, Map<LatencySignal, Histogram> latencies) {
        this(scrapedAt, engine, gauges, counters, latencies, List.of());
    }

    private static <K extends Enum<K>, V> Map<K, V> immutableCopy(Map<K, V> in, Class<K> type) {
        if (in == null || in.isEmpty()) {
            return Collections.unmodifiableMap(new EnumMap<>(type));
        }
        return Collections.unmodifiableMap(new EnumMap<>(in));
    }

    private static void requireValid(Enum<?> signal, Double v) {
        if (v == null || invalid(signal, v) != null) {
            throw new IllegalArgumentException(signal + " must be a finite number, not negative"
                    + (signal == GaugeSignal.KV_UTILIZATION ? " and at most 1" : "") + ", got " + v
                    + " (leave an unknown or rejected signal out instead)");
        }
    }

    /** Why {@code v} cannot be a value of {@code signal}, or null when it can. */
    static Rejection.Reason invalid(Enum<?> signal, double v) {
        if (!Double.isFinite(v)) {
            return Rejection.Reason.NON_FINITE;
        }
        if (v < 0) {
            return Rejection.Reason.NEGATIVE;
        }
        if (signal == GaugeSignal.KV_UTILIZATION && v > 1) {
            return Rejection.Reason.OUT_OF_RANGE;
        }
        return null;
    }

    /** The rejection of {@code signal} in this sample, if it was rejected. */
    public Optional<Rejection> rejection(Enum<?> signal) {
        for (Rejection r : rejections) {
            if (r.reading() == signal) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
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

    /**
     * A builder for dialects, which fill a sample one family at a time. A value that is not valid for its input
     * (see the class comment) is not kept: it becomes a {@link Rejection}, so dialects need not check.
     */
    public static Builder builder(Instant scrapedAt, EngineIdentity engine) {
        return new Builder(scrapedAt, engine);
    }

    public static final class Builder {
        private Instant scrapedAt;
        private EngineIdentity engine;
        private final EnumMap<GaugeSignal, Double> gauges = new EnumMap<>(GaugeSignal.class);
        private final EnumMap<CounterSignal, Double> counters = new EnumMap<>(CounterSignal.class);
        private final EnumMap<LatencySignal, Histogram> latencies = new EnumMap<>(LatencySignal.class);
        private final List<Rejection> rejections = new ArrayList<>();

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

        /** Sets a gauge, or rejects it when the value is not one the gauge can have. */
        public Builder gauge(GaugeSignal signal, double value) {
            Rejection.Reason why = invalid(signal, value);
            if (why == null) {
                gauges.put(signal, value);
            } else {
                gauges.remove(signal);
                reject(signal, why, describe(signal, value, why));
            }
            return this;
        }

        /** Sets a counter, or rejects it when the value is not finite or is negative. */
        public Builder counter(CounterSignal signal, double value) {
            Rejection.Reason why = invalid(signal, value);
            if (why == null) {
                counters.put(signal, value);
            } else {
                counters.remove(signal);
                reject(signal, why, describe(signal, value, why));
            }
            return this;
        }

        /** Leaves {@code signal} out of the sample, saying why. */
        public Builder reject(Enum<?> signal, Rejection.Reason reason, String detail) {
            return reject(new Rejection(signal, reason, detail));
        }

        public Builder reject(Rejection rejection) {
            Enum<?> s = rejection.reading();
            gauges.remove(s);
            counters.remove(s);
            latencies.remove(s);
            rejections.add(rejection);
            return this;
        }

        private static String describe(Enum<?> signal, double value, Rejection.Reason why) {
            String name = signal.name().toLowerCase(java.util.Locale.ROOT);
            return switch (why) {
                case NON_FINITE -> name + " read " + value;
                case NEGATIVE -> name + " read " + value + ", below zero";
                case OUT_OF_RANGE -> name + " read " + value + ", not a ratio in [0, 1]";
                default -> name + " read " + value;
            };
        }

        /**
         * Sets a latency histogram, or rejects it when it holds what no histogram of latencies can: a bucket or a
         * count that is negative or not finite, cumulative counts that go down, or a sum below zero or infinite (a
         * NaN sum is an unknown one, as a histogram exposed without its {@code _sum}). A negative sum would make a
         * negative mean latency.
         */
        public Builder latency(LatencySignal signal, Histogram histogram) {
            Rejection why = invalidHistogram(signal, histogram);
            if (why == null) {
                latencies.put(signal, histogram);
            } else {
                reject(why);
            }
            return this;
        }

        private static Rejection invalidHistogram(LatencySignal signal, Histogram h) {
            String name = signal.name().toLowerCase(java.util.Locale.ROOT);
            double previous = 0;
            for (int i = 0, n = h.bucketCount(); i < n; i++) {
                double c = h.cumulativeCount(i);
                String where = name + " bucket le=" + h.upperBound(i) + " read " + c;
                if (!Double.isFinite(c)) {
                    return new Rejection(signal, Rejection.Reason.NON_FINITE, where);
                }
                if (c < 0) {
                    return new Rejection(signal, Rejection.Reason.NEGATIVE, where + ", below zero");
                }
                if (c < previous) {
                    return new Rejection(signal, Rejection.Reason.INCOMPLETE_HISTOGRAM, where
                            + ", below the bucket before it (" + previous + "): cumulative counts never go down");
                }
                previous = c;
            }
            if (!Double.isFinite(h.count())) {
                return new Rejection(signal, Rejection.Reason.NON_FINITE, name + " count read " + h.count());
            }
            if (h.count() < 0) {
                return new Rejection(signal, Rejection.Reason.NEGATIVE, name + " count read " + h.count()
                        + ", below zero");
            }
            if (Double.isInfinite(h.sum())) {
                return new Rejection(signal, Rejection.Reason.NON_FINITE, name + " sum read " + h.sum());
            }
            if (h.sum() < 0) {
                return new Rejection(signal, Rejection.Reason.NEGATIVE, name + " sum read " + h.sum()
                        + ", below zero: no latency is");
            }
            return null;
        }

        public EngineSample build() {
            return new EngineSample(scrapedAt, engine, gauges, counters, latencies, rejections);
        }
    }
}
