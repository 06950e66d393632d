package dev.headroom.collectors.engine;

import dev.headroom.collectors.exposition.ExpositionNumbers;
import dev.headroom.collectors.exposition.MetricFamily;
import dev.headroom.collectors.exposition.Sample;
import java.util.Arrays;
import java.util.function.Predicate;

/**
 * Arithmetic dialects share: summing a family over its series (data-parallel ranks, finish reasons), averaging
 * a ratio, and adding histograms bucket by bucket with {@code le} compared as numbers. Every method answers
 * NaN or null for "not known", never zero. No boxing: dialects run on every scrape.
 */
public final class FamilyReader {

    private FamilyReader() {
    }

    /** The sum of the values of samples named {@code sampleName}; NaN when there are none. */
    public static double sum(MetricFamily family, String sampleName) {
        double total = 0;
        boolean any = false;
        for (Sample s : family.samples()) {
            if (s.name().equals(sampleName)) {
                total += s.value();
                any = true;
            }
        }
        return any ? total : Double.NaN;
    }

    /** The mean of the values of samples named {@code sampleName}; NaN when there are none. */
    public static double mean(MetricFamily family, String sampleName) {
        double total = 0;
        int n = 0;
        for (Sample s : family.samples()) {
            if (s.name().equals(sampleName)) {
                total += s.value();
                n++;
            }
        }
        return n == 0 ? Double.NaN : total / n;
    }

    /** The first value of {@code label} on any sample of the family, or null. */
    public static String firstLabel(MetricFamily family, String label) {
        for (Sample s : family.samples()) {
            String v = s.label(label);
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    /**
     * All series of a histogram family added together (e.g. over {@code engine} ranks), or null when it cannot
     * be read: no buckets, no {@code +Inf}, a non-numeric {@code le}, or series with different bucket bounds
     * (adding those would invent counts).
     */
    public static Histogram histogram(MetricFamily family) {
        return histogram(family, ALL_SERIES);
    }

    /** Keeps every series. */
    public static final Predicate<Sample> ALL_SERIES = s -> true;

    /** The sum of the values of samples named {@code sampleName} whose series {@code keep} accepts; NaN when none. */
    public static double sum(MetricFamily family, String sampleName, Predicate<Sample> keep) {
        double total = 0;
        boolean any = false;
        for (Sample s : family.samples()) {
            if (s.name().equals(sampleName) && keep.test(s)) {
                total += s.value();
                any = true;
            }
        }
        return any ? total : Double.NaN;
    }

    /** The mean of the values of samples named {@code sampleName} whose series {@code keep} accepts; NaN when none. */
    public static double mean(MetricFamily family, String sampleName, Predicate<Sample> keep) {
        double total = 0;
        int n = 0;
        for (Sample s : family.samples()) {
            if (s.name().equals(sampleName) && keep.test(s)) {
                total += s.value();
                n++;
            }
        }
        return n == 0 ? Double.NaN : total / n;
    }

    /** The largest value of samples named {@code sampleName} whose series {@code keep} accepts; NaN when none. */
    public static double max(MetricFamily family, String sampleName, Predicate<Sample> keep) {
        double max = Double.NaN;
        for (Sample s : family.samples()) {
            if (s.name().equals(sampleName) && keep.test(s) && !(s.value() <= max)) {
                max = s.value();
            }
        }
        return max;
    }

    /**
     * A summary (or a histogram exposed without buckets) as a one-bucket histogram: {@code [+Inf]} holding the
     * count, with the sum. Rates and means over a window stay exact; quantiles come out unknown (one bucket says
     * nothing about the shape), which is the truth. Null when there is no {@code _count}.
     */
    public static Histogram countAndSum(MetricFamily family, Predicate<Sample> keep) {
        double count = sum(family, family.name() + "_count", keep);
        if (Double.isNaN(count)) {
            return null;
        }
        double sum = sum(family, family.name() + "_sum", keep);
        return new Histogram(new double[] {Double.POSITIVE_INFINITY}, new double[] {count}, count, sum);
    }

    /** The histogram with bucket bounds and sum multiplied by {@code factor} (e.g. 1e-3 for milliseconds). */
    public static Histogram scaled(Histogram h, double factor) {
        if (factor == 1.0) {
            return h;
        }
        double[] bounds = h.upperBounds();
        for (int i = 0; i < bounds.length; i++) {
            bounds[i] *= factor; // +Inf stays +Inf for a positive factor
        }
        return new Histogram(bounds, h.cumulativeCounts(), h.count(), h.sum() * factor);
    }

    /** As {@link #histogram(MetricFamily)}, over the series {@code keep} accepts. */
    public static Histogram histogram(MetricFamily family, Predicate<Sample> keep) {
        String base = family.name();
        int baseLength = base.length();
        double[] bounds = new double[32];
        double[] counts = new double[32];
        int[] seen = new int[32];
        int buckets = 0;
        int series = 0;
        double count = 0;
        double sum = 0;
        boolean sawCount = false;
        boolean sawSum = false;
        for (Sample s : family.samples()) {
            if (!keep.test(s)) {
                continue;
            }
            String name = s.name();
            int extra = name.length() - baseLength;
            if (extra == 7 && name.endsWith("_bucket")) {
                String le = s.label("le");
                if (le == null) {
                    return null;
                }
                double bound;
                try {
                    bound = ExpositionNumbers.parseDouble(le);
                } catch (NumberFormatException e) {
                    return null;
                }
                if (Double.isNaN(bound)) {
                    return null;
                }
                int i = 0;
                while (i < buckets && bounds[i] != bound) {
                    i++;
                }
                if (i == buckets) {
                    if (buckets == bounds.length) {
                        bounds = Arrays.copyOf(bounds, buckets * 2);
                        counts = Arrays.copyOf(counts, buckets * 2);
                        seen = Arrays.copyOf(seen, buckets * 2);
                    }
                    bounds[i] = bound;
                    buckets++;
                }
                counts[i] += s.value();
                seen[i]++;
                if (bound == Double.POSITIVE_INFINITY) {
                    series++;
                }
            } else if (extra == 6 && name.endsWith("_count")) {
                count += s.value();
                sawCount = true;
            } else if (extra == 4 && name.endsWith("_sum")) {
                sum += s.value();
                sawSum = true;
            }
        }
        if (buckets == 0 || series == 0) {
            return null;
        }
        for (int i = 0; i < buckets; i++) {
            if (seen[i] != series) {
                return null;
            }
        }
        // Insertion sort: bucket lists are short and usually already in order.
        for (int i = 1; i < buckets; i++) {
            double b = bounds[i];
            double c = counts[i];
            int j = i - 1;
            while (j >= 0 && bounds[j] > b) {
                bounds[j + 1] = bounds[j];
                counts[j + 1] = counts[j];
                j--;
            }
            bounds[j + 1] = b;
            counts[j + 1] = c;
        }
        double total = sawCount ? count : counts[buckets - 1];
        return new Histogram(Arrays.copyOf(bounds, buckets), Arrays.copyOf(counts, buckets), total,
                sawSum ? sum : Double.NaN);
    }
}
