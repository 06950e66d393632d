package dev.headroom.collectors.engine;

import dev.headroom.collectors.exposition.MetricFamily;
import dev.headroom.collectors.exposition.Sample;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * What makes a family unreadable as one signal, found before it is summed: a value that is NaN or ±Inf (summed, it
 * would vanish or poison the sum), the same series twice (summed, queue 3 and 5 would read 8), or series of more than
 * one model (one replica's load mixed with another model's). Each is a {@link Rejection} of the signal the family was
 * read for, so that the signal is unknown for that scrape and says why.
 *
 * <p>Cost: one pass over the family's kept series; duplicates are looked for pairwise up to {@value #PAIRWISE} series
 * (no allocation) and through a hash set above that. A family that is fine allocates nothing.
 */
final class FamilyCheck {

    /** Up to this many series, duplicates are found by comparing pairs: cheaper than a set for a handful. */
    static final int PAIRWISE = 32;
    /** The label that names the served model on vLLM and SGLang series. */
    static final String MODEL_NAME = "model_name";

    private FamilyCheck() {
    }

    /**
     * The rejection of {@code signal} read from {@code family}'s series that {@code keep} accepts, or null when they
     * can be read. {@code _created} samples are not values and are not looked at.
     */
    static Rejection check(Enum<?> signal, MetricFamily family, Predicate<Sample> keep) {
        List<Sample> samples = family.samples();
        int n = samples.size();
        String model = null;
        String otherModel = null;
        for (int i = 0; i < n; i++) {
            Sample s = samples.get(i);
            if (s.name().endsWith("_created") || !keep.test(s)) {
                continue;
            }
            if (!Double.isFinite(s.value())) {
                return new Rejection(signal, Rejection.Reason.NON_FINITE,
                        s.name() + s.labels() + " read " + format(s.value()));
            }
            String m = s.label(MODEL_NAME);
            if (m != null) {
                if (model == null) {
                    model = m;
                } else if (!model.equals(m) && otherModel == null) {
                    otherModel = m;
                }
            }
        }
        if (otherModel != null) {
            return new Rejection(signal, Rejection.Reason.SEVERAL_MODELS, family.name() + " serves several models ("
                    + String.join(", ", models(family, keep)) + "): run one sidecar per model, or filter to one");
        }
        Sample twice = duplicate(samples, keep);
        if (twice != null) {
            return new Rejection(signal, Rejection.Reason.DUPLICATE_SERIES,
                    twice.name() + twice.labels() + " appears more than once in one payload");
        }
        return null;
    }

    private static Set<String> models(MetricFamily family, Predicate<Sample> keep) {
        Set<String> models = new TreeSet<>();
        for (Sample s : family.samples()) {
            String m = s.label(MODEL_NAME);
            if (m != null && keep.test(s)) {
                models.add(m);
            }
        }
        return models;
    }

    private static Sample duplicate(List<Sample> samples, Predicate<Sample> keep) {
        int n = samples.size();
        if (n <= PAIRWISE) {
            for (int i = 0; i < n; i++) {
                Sample a = samples.get(i);
                if (!keep.test(a)) {
                    continue;
                }
                for (int j = i + 1; j < n; j++) {
                    Sample b = samples.get(j);
                    if (a.name().equals(b.name()) && a.labels().equals(b.labels()) && keep.test(b)) {
                        return a;
                    }
                }
            }
            return null;
        }
        Set<SeriesKey> seen = new HashSet<>(n * 2);
        for (Sample s : samples) {
            if (keep.test(s) && !seen.add(new SeriesKey(s.name(), s.labels()))) {
                return s;
            }
        }
        return null;
    }

    /** A histogram family with bucket samples that {@link FamilyReader#histogram} could not read. */
    static Rejection incompleteHistogram(Enum<?> signal, MetricFamily family, Predicate<Sample> keep) {
        for (Sample s : family.samples()) {
            if (keep.test(s) && s.name().endsWith("_bucket")) {
                return new Rejection(signal, Rejection.Reason.INCOMPLETE_HISTOGRAM, family.name()
                        + " has buckets, but a series lacks its +Inf bucket or its bounds differ from the others'");
            }
        }
        return null;
    }

    private static String format(double v) {
        return Double.isNaN(v) ? "NaN" : v > 0 ? "+Inf" : "-Inf";
    }

    private record SeriesKey(String name, Object labels) {
        SeriesKey {
            Objects.requireNonNull(name);
        }
    }
}
