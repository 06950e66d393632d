package dev.headroom.autoscaler.policy;

import dev.headroom.signals.Signal;

import java.util.Objects;

/**
 * One signal over the ready pods of a workload that reported it fresh.
 *
 * @param signal      the signal
 * @param aggregation how it combines ({@link Aggregation#of(Signal)})
 * @param reporting   how many ready, fresh pods had a value for it (at least 1)
 * @param sum         the sum of their values (each clamped at 0: a negative reading is engine noise)
 * @param max         the largest of their values, shown to explain, never used to scale
 * @param min         the smallest of their values: whether some pod has room while others are full
 * @param sumMilli    the sum of their values each rounded to milli-units, as Kubernetes quantities carry them:
 *                    what the policy computes with, so that its arithmetic is the HPA's
 */
public record SignalAggregate(Signal signal, Aggregation aggregation, int reporting, double sum, double max,
                              double min, long sumMilli) {

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
        if (!Double.isFinite(min) || min < 0 || min > max) {
            throw new IllegalArgumentException(signal.key() + ": min must be finite, ≥ 0 and ≤ max; got min " + min
                    + ", max " + max);
        }
        if (sumMilli < 0) {
            throw new IllegalArgumentException(signal.key() + ": sumMilli must be ≥ 0, got " + sumMilli);
        }
    }

    /** A value in milli-units, rounded to the nearest, as a Kubernetes quantity would carry it. */
    public static long toMilli(double value) {
        return Math.round(value * 1000.0);
    }

    /** The per-replica mean in milli-units, truncated, as the HPA's {@code GetMetricUsageRatio}. */
    public long meanMilli() {
        return sumMilli / reporting;
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
