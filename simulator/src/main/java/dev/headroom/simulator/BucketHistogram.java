package dev.headroom.simulator;

import java.util.Arrays;

/**
 * A fixed-bucket histogram as Prometheus exposes it: finite upper bounds (an implicit {@code +Inf} bucket
 * follows), a count and a sum. Observing is a binary search and an increment: no allocation, no boxing,
 * because the inter-token histogram sees every generated token. Not thread-safe; its owner guards it.
 */
public final class BucketHistogram {

    private final double[] upperBounds;
    private final long[] counts; // per bucket, not cumulative; the last slot is +Inf
    private long count;
    private double sum;

    public BucketHistogram(double[] upperBounds) {
        if (upperBounds.length == 0) {
            throw new IllegalArgumentException("BucketHistogram needs at least one finite upper bound");
        }
        for (int i = 0; i < upperBounds.length; i++) {
            if (!Double.isFinite(upperBounds[i]) || (i > 0 && upperBounds[i] <= upperBounds[i - 1])) {
                throw new IllegalArgumentException("BucketHistogram upper bounds must be finite and strictly increasing,"
                        + " bound " + i + " was " + upperBounds[i]);
            }
        }
        this.upperBounds = upperBounds.clone();
        this.counts = new long[upperBounds.length + 1];
    }

    public void observe(double value) {
        int i = Arrays.binarySearch(upperBounds, value);
        int bucket = i >= 0 ? i : -i - 1; // le is inclusive: an exact hit belongs to that bucket
        counts[bucket]++;
        count++;
        sum += value;
    }

    /** The finite upper bounds, in order (a copy). */
    public double[] upperBounds() {
        return upperBounds.clone();
    }

    /** Cumulative counts, one per finite bound followed by the {@code +Inf} bucket (equal to {@link #count()}). */
    public long[] cumulativeCounts() {
        long[] out = new long[counts.length];
        long running = 0;
        for (int i = 0; i < counts.length; i++) {
            running += counts[i];
            out[i] = running;
        }
        return out;
    }

    public long count() {
        return count;
    }

    public double sum() {
        return sum;
    }
}
