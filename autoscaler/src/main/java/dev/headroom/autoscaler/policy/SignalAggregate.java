package dev.headroom.autoscaler.policy;

import dev.headroom.autoscaler.signals.Signal;

import java.util.Objects;

/**
 * One signal over the ready pods of a workload that reported it fresh.
 *
 * @param signal      the signal
 * @param aggregation how it combines ({@link Aggregation#of(Signal)})
 * @param reporting   how many ready, fresh pods had a value for it (at least 1)
 * @param sum         the sum of their values (each clamped at 0: a negative reading is engine noise)
 * @param max         the largest of their values, shown to explain, never used to scale
 */
public record SignalAggregate(Signal signal, Aggregation aggregation, int reporting, double sum, double max) {

    public SignalAggregate {
        Objects.requireNonNull(signal, "signal");
        Objects.requireNonNull(aggregation, "aggregation");
        if (reporting < 1) {
            throw new IllegalArgumentException(signal.key() + ": an aggregate needs at least one reporting pod, got "
                    + reporting);
        }
        if (!Double.isFinite(sum) || sum < 0 || !Double.isFinite(max) || max < 0 || max > sum) {
            throw new IllegalArgumentException(signal.key() + ": sum and max must be finite, ≥ 0 and max ≤ sum; got sum "
                    + sum + ", max " + max);
        }
    }

    /** The per-replica mean: what the policy compares with the target. */
    public double mean() {
        return sum / reporting;
    }

    /** The value that stands for the workload: the total for {@link Aggregation#SUM}, else the mean. */
    public double workloadValue() {
        return aggregation == Aggregation.SUM ? sum : mean();
    }
}
