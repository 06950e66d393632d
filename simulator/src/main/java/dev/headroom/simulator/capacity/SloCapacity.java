package dev.headroom.simulator.capacity;

import java.util.Objects;

/**
 * The rate one replica sustains within a {@link LatencyObjective}, or why no rate does.
 *
 * @param requestsPerSecond the highest rate meeting the objective; NaN when none does
 * @param binding           which term stops it: TTFT, ITL, or {@code INFEASIBLE}
 * @param ttftSeconds       the TTFT quantile at that rate (at a near-zero rate when infeasible)
 * @param itlSeconds        the mean ITL at that rate (at a near-zero rate when infeasible)
 * @param saturationRate    the rate beyond which the queue grows without bound ({@link CapacityEstimator})
 * @param reason            why no rate meets the objective; empty when one does
 */
public record SloCapacity(double requestsPerSecond, Binding binding, double ttftSeconds, double itlSeconds,
        double saturationRate, String reason) {

    public SloCapacity {
        Objects.requireNonNull(binding, "binding");
        Objects.requireNonNull(reason, "reason");
        if (binding == Binding.INFEASIBLE ? reason.isBlank() || !Double.isNaN(requestsPerSecond)
                : !(requestsPerSecond > 0)) {
            throw new IllegalArgumentException("SloCapacity: a feasible answer needs a rate > 0, an infeasible one a"
                    + " reason and no rate; was " + requestsPerSecond + ", " + binding + ", '" + reason + "'");
        }
    }

    /** The objective term that limits the rate. */
    public enum Binding {
        /** The TTFT quantile reaches its bound first: queueing for prefill. */
        TTFT,
        /** Mean ITL reaches its bound first: steps lengthened by batched decodes and interleaved prefill chunks. */
        ITL,
        /** Not even one request alone meets the objective. */
        INFEASIBLE
    }

    public boolean feasible() {
        return binding != Binding.INFEASIBLE;
    }

    /** requestsPerSecond ÷ saturationRate: how far below throughput saturation the SLO holds a replica. */
    public double shareOfSaturation() {
        return requestsPerSecond / saturationRate;
    }
}
