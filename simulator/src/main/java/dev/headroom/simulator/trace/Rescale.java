package dev.headroom.simulator.trace;

/** How a replay changes a trace's arrival rate: by compressing (or stretching) time, never by adding rows. */
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
}
