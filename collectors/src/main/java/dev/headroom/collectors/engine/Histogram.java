package dev.headroom.collectors.engine;

import java.util.Arrays;

/**
 * A cumulative histogram as an engine exposes it: bucket upper bounds in ascending order, the last one
 * {@code +Inf}, with cumulative counts. Values are in seconds for latency signals.
 *
 * <p>The arrays are copied in and out: a sample is an immutable snapshot shared across threads.
 */
public record Histogram(double[] upperBounds, double[] cumulativeCounts, double count, double sum) {

    public Histogram {
        if (upperBounds.length == 0 || upperBounds.length != cumulativeCounts.length) {
            throw new IllegalArgumentException("histogram needs as many bounds as counts, and at least one: "
                    + upperBounds.length + " bounds, " + cumulativeCounts.length + " counts");
        }
        if (upperBounds[upperBounds.length - 1] != Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException("the last bucket bound must be +Inf, got " + upperBounds[upperBounds.length - 1]);
        }
        for (int i = 1; i < upperBounds.length; i++) {
            if (!(upperBounds[i] > upperBounds[i - 1])) {
                throw new IllegalArgumentException("bucket bounds must increase: " + upperBounds[i - 1] + " then " + upperBounds[i]);
            }
        }
        upperBounds = upperBounds.clone();
        cumulativeCounts = cumulativeCounts.clone();
    }

    @Override
    public double[] upperBounds() {
        return upperBounds.clone();
    }

    @Override
    public double[] cumulativeCounts() {
        return cumulativeCounts.clone();
    }

    public int bucketCount() {
        return upperBounds.length;
    }

    public double upperBound(int i) {
        return upperBounds[i];
    }

    public double cumulativeCount(int i) {
        return cumulativeCounts[i];
    }

    /** Adds another histogram with the same bounds bucket by bucket (e.g. data-parallel ranks). */
    public Histogram plus(Histogram other) {
        if (!Arrays.equals(upperBounds, other.upperBounds)) {
            throw new IllegalArgumentException("cannot add histograms with different bucket bounds");
        }
        double[] counts = new double[cumulativeCounts.length];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = cumulativeCounts[i] + other.cumulativeCounts[i];
        }
        return new Histogram(upperBounds, counts, count + other.count, sum + other.sum);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Histogram h
                && Arrays.equals(upperBounds, h.upperBounds)
                && Arrays.equals(cumulativeCounts, h.cumulativeCounts)
                && Double.compare(count, h.count) == 0
                && Double.compare(sum, h.sum) == 0;
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(upperBounds) + Arrays.hashCode(cumulativeCounts);
    }

    @Override
    public String toString() {
        return "Histogram[bounds=" + Arrays.toString(upperBounds) + ", counts=" + Arrays.toString(cumulativeCounts)
                + ", count=" + count + ", sum=" + sum + "]";
    }
}
