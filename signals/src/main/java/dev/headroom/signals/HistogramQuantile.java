package dev.headroom.signals;

import java.util.OptionalDouble;

/**
 * The quantile of a cumulative bucket distribution, computed exactly as PromQL's
 * {@code histogram_quantile(q, rate(x_bucket[w]))} does (Prometheus {@code promql/quantile.go},
 * {@code bucketQuantile}), so that Headroom's numbers match a dashboard's.
 *
 * <p>The rank {@code q × observations} is located in the first bucket whose cumulative count reaches it, and
 * the value is interpolated linearly inside that bucket, the first bucket starting at 0. A rank that falls in
 * the {@code +Inf} bucket gives the upper bound of the highest finite bucket: the histogram cannot say more.
 * Cumulative counts that dip (floating-point noise in summed deltas) are raised to the running maximum, as
 * Prometheus does. Where Prometheus returns NaN (no observations, fewer than two buckets, no {@code +Inf}
 * bucket), this returns empty: unknown, never 0.
 *
 * <p>Allocation-free; the caller's arrays are read, and {@code cumulative} may be modified in place only by
 * {@link #ofInPlace}.
 */
public final class HistogramQuantile {

    private HistogramQuantile() {
    }

    /**
     * @param q           the quantile, 0..1 (outside that range PromQL answers ∓Inf, which is no latency; this
     *                    throws instead)
     * @param upperBounds bucket upper bounds, strictly increasing, the last {@code +Inf}
     * @param cumulative  cumulative counts per bucket (e.g. increases over a window), same length
     */
    public static OptionalDouble of(double q, double[] upperBounds, double[] cumulative) {
        return ofInPlace(q, upperBounds, cumulative.clone());
    }

    /** As {@link #of}, but may raise dips in {@code cumulative} in place instead of copying it. */
    static OptionalDouble ofInPlace(double q, double[] upperBounds, double[] cumulative) {
        if (!(q >= 0 && q <= 1)) {
            throw new IllegalArgumentException("quantile must be within 0..1, got " + q);
        }
        int n = upperBounds.length;
        if (n != cumulative.length) {
            throw new IllegalArgumentException("need as many bounds as counts: " + n + " bounds, "
                    + cumulative.length + " counts");
        }
        if (n < 2 || upperBounds[n - 1] != Double.POSITIVE_INFINITY) {
            return OptionalDouble.empty();
        }
        double max = cumulative[0];
        for (int i = 1; i < n; i++) {
            if (cumulative[i] < max) {
                cumulative[i] = max;
            } else {
                max = cumulative[i];
            }
        }
        double observations = cumulative[n - 1];
        if (!(observations > 0)) {
            return OptionalDouble.empty();
        }
        double rank = q * observations;
        // First bucket among the finite ones whose cumulative count reaches the rank (sort.Search over n-1).
        int b = 0;
        while (b < n - 1 && !(cumulative[b] >= rank)) {
            b++;
        }
        if (b == n - 1) {
            return OptionalDouble.of(upperBounds[n - 2]);
        }
        if (b == 0 && upperBounds[0] <= 0) {
            return OptionalDouble.of(upperBounds[0]);
        }
        double bucketStart = 0;
        double bucketEnd = upperBounds[b];
        double count = cumulative[b];
        if (b > 0) {
            bucketStart = upperBounds[b - 1];
            count -= cumulative[b - 1];
            rank -= cumulative[b - 1];
        }
        double value = bucketStart + (bucketEnd - bucketStart) * (rank / count);
        // Only q = 0 over an empty first bucket gives 0/0; PromQL answers NaN there.
        return Double.isFinite(value) ? OptionalDouble.of(value) : OptionalDouble.empty();
    }
}
