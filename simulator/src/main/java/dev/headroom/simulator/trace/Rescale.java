package dev.headroom.simulator.trace;

/**
 * How a replay changes a trace's arrival rate: by compressing (or stretching) time ({@link RateMultiplier},
 * {@link TargetPeakRate}), which also speeds up every change of load by the same factor; or by superposing
 * copies of each arrival ({@link Superpose}, {@link SuperposeToPeak}), which keeps the trace's clock and so
 * the pace at which its load rises and falls, as more users with the same habits would.
 */
public sealed interface Rescale {

    /** Arrival times as recorded. */
    static Rescale none() {
        return new RateMultiplier(1.0);
    }

    /** ×k the arrival rate: every inter-arrival gap divided by {@code k}. */
    static Rescale rateMultiplier(double k) {
        return new RateMultiplier(k);
    }

    /**
     * The multiplier after which the busiest {@code windowSeconds} of the replay (a sliding window, on the
     * replay's clock) hold {@code round(requestsPerSecond × windowSeconds)} arrivals.
     */
    static Rescale targetPeakRate(double requestsPerSecond, double windowSeconds) {
        return new TargetPeakRate(requestsPerSecond, windowSeconds);
    }

    /**
     * ×{@code copies} the arrival rate on the trace's own clock: each arrival becomes {@code floor(copies)}
     * arrivals, plus one more with probability {@code copies − floor(copies)} (below 1 this thins the trace),
     * each moved by a uniform jitter in {@code ±jitterSeconds / 2} (reflected at the ends) so that copies do
     * not land together. Seeded: the same seed gives the same requests.
     */
    static Rescale superpose(double copies, double jitterSeconds, long seed) {
        return new Superpose(copies, jitterSeconds, seed);
    }

    /**
     * {@link #superpose} with {@code copies = requestsPerSecond ÷} the trace's own peak over {@code windowSeconds}
     * (sliding), so that the busiest window holds about the rate asked for (the jitter smooths it slightly).
     */
    static Rescale superposeToPeak(double requestsPerSecond, double windowSeconds, double jitterSeconds, long seed) {
        return new SuperposeToPeak(requestsPerSecond, windowSeconds, jitterSeconds, seed);
    }

    /** @param k rate multiplier, finite and > 0 */
    record RateMultiplier(double k) implements Rescale {
        public RateMultiplier {
            if (!(k > 0) || !Double.isFinite(k)) {
                throw new IllegalArgumentException("rate multiplier must be finite and > 0, was " + k);
            }
        }
    }

    /**
     * @param requestsPerSecond the peak rate wanted, finite and > 0
     * @param windowSeconds     the span over which the peak is measured (sliding), finite and > 0
     */
    record TargetPeakRate(double requestsPerSecond, double windowSeconds) implements Rescale {
        public TargetPeakRate {
            if (!(requestsPerSecond > 0) || !Double.isFinite(requestsPerSecond)) {
                throw new IllegalArgumentException("target peak rate must be finite and > 0, was " + requestsPerSecond);
            }
            if (!(windowSeconds > 0) || !Double.isFinite(windowSeconds)) {
                throw new IllegalArgumentException("peak window must be finite and > 0 seconds, was " + windowSeconds);
            }
        }
    }

    /**
     * @param copies        arrivals per recorded arrival on average, finite and > 0
     * @param jitterSeconds width of the uniform jitter, finite and ≥ 0
     * @param seed          seeds the jitter and the fractional copy
     */
    record Superpose(double copies, double jitterSeconds, long seed) implements Rescale {
        public Superpose {
            if (!(copies > 0) || !Double.isFinite(copies)) {
                throw new IllegalArgumentException("copies must be finite and > 0, was " + copies);
            }
            if (!(jitterSeconds >= 0) || !Double.isFinite(jitterSeconds)) {
                throw new IllegalArgumentException("jitter must be finite and >= 0 seconds, was " + jitterSeconds);
            }
        }
    }

    /**
     * @param requestsPerSecond the peak rate wanted, finite and > 0
     * @param windowSeconds     the span over which the peak is measured (sliding), finite and > 0
     * @param jitterSeconds     width of the uniform jitter, finite and ≥ 0
     * @param seed              seeds the jitter and the fractional copy
     */
    record SuperposeToPeak(double requestsPerSecond, double windowSeconds, double jitterSeconds, long seed)
            implements Rescale {
        public SuperposeToPeak {
            new TargetPeakRate(requestsPerSecond, windowSeconds);
            new Superpose(1, jitterSeconds, seed);
        }
    }
}
