package dev.headroom.collectors.engine;

import dev.headroom.collectors.exposition.Exposition;
import dev.headroom.collectors.exposition.MetricFamily;
import dev.headroom.collectors.exposition.MetricType;
import dev.headroom.collectors.exposition.Sample;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Fills one {@link EngineSample} from one payload, a family at a time, for the dialects that read plain names:
 * remembers which families it read and the model name from the first series that carries one. A family that is
 * absent, empty or unreadable leaves its signal out (unknown), never zero.
 */
final class SampleAssembler {

    private final Exposition exposition;
    private final String[] modelLabels;
    private final EngineSample.Builder builder = EngineSample.builder(Instant.EPOCH, EngineIdentity.of("unknown", null));
    private final List<String> used = new ArrayList<>();
    private Predicate<Sample> series = FamilyReader.ALL_SERIES;
    private String model;

    /** @param modelLabels labels that name the model, in order of preference (e.g. {@code model_name}, {@code name}) */
    SampleAssembler(Exposition exposition, String... modelLabels) {
        this.exposition = exposition;
        this.modelLabels = modelLabels;
    }

    /** Restricts every later read to the series {@code keep} accepts (e.g. one tensor-parallel rank). */
    SampleAssembler only(Predicate<Sample> keep) {
        this.series = keep;
        return this;
    }

    Exposition exposition() {
        return exposition;
    }

    /** The family, recorded as used, or null when the payload does not carry it with at least one sample. */
    MetricFamily use(String familyName) {
        MetricFamily f = exposition.family(familyName);
        if (f == null || f.samples().isEmpty()) {
            return null;
        }
        used.add(familyName);
        if (model == null) {
            for (String label : modelLabels) {
                String m = FamilyReader.firstLabel(f, label);
                if (m != null && !m.isEmpty()) {
                    model = m;
                    break;
                }
            }
        }
        return f;
    }

    /** The model name, when no family carried one: e.g. from a label of its own. */
    void modelIfUnknown(String name) {
        if (model == null && name != null && !name.isEmpty()) {
            model = name;
        }
    }

    /** Sum over series of a gauge; true when the family was there. */
    boolean gaugeSum(GaugeSignal signal, String familyName) {
        return gauge(signal, familyName, FamilyReader.ALL_SERIES, false, 1.0);
    }

    /** Mean over series (ratios per rank, whose caches are equal). */
    boolean gaugeMean(GaugeSignal signal, String familyName) {
        return gauge(signal, familyName, FamilyReader.ALL_SERIES, true, 1.0);
    }

    /** Sum over the series whose {@code label} is {@code value} (Triton's category labels). */
    boolean gaugeWhere(GaugeSignal signal, String familyName, String label, String value) {
        return gauge(signal, familyName, s -> value.equals(s.label(label)), false, 1.0);
    }

    boolean gauge(GaugeSignal signal, String familyName, Predicate<Sample> keep, boolean mean, double scale) {
        MetricFamily f = use(familyName);
        if (f == null) {
            return false;
        }
        Predicate<Sample> p = keep == FamilyReader.ALL_SERIES ? series : series.and(keep);
        if (rejected(signal, f, p)) {
            return true;
        }
        double v = mean ? FamilyReader.mean(f, familyName, p) : FamilyReader.sum(f, familyName, p);
        if (Double.isNaN(v)) {
            return false; // no series of that name: absent
        }
        builder.gauge(signal, v * scale); // the builder rejects a negative value, or a ratio above 1
        return true;
    }

    /** Rejects {@code signal} when the family's series cannot be read as one value (see {@link FamilyCheck}). */
    private boolean rejected(Enum<?> signal, MetricFamily f, Predicate<Sample> p) {
        Rejection r = FamilyCheck.check(signal, f, p);
        if (r == null) {
            return false;
        }
        builder.reject(r);
        return true;
    }

    /**
     * Sets a gauge computed elsewhere; NaN (nothing to compute it from) leaves it out, and any other value that is
     * not valid for the gauge (infinite, negative, a ratio above 1) is rejected by the builder.
     */
    void gaugeValue(GaugeSignal signal, double v) {
        if (!Double.isNaN(v)) {
            builder.gauge(signal, v);
        }
    }

    /** Sum over the series whose {@code label} is {@code value}, NaN when none; the family is recorded as used. */
    double valueWhere(String familyName, String label, String value) {
        MetricFamily f = use(familyName);
        if (f == null) {
            return Double.NaN;
        }
        return FamilyReader.sum(f, familyName, series.and(s -> value.equals(s.label(label))));
    }

    /** Sum over series of a gauge; NaN when absent. The family is recorded as used. */
    double value(String familyName) {
        MetricFamily f = use(familyName);
        return f == null ? Double.NaN : FamilyReader.sum(f, familyName, series);
    }

    /**
     * A counter, tried under each name in turn. A name is the family as Prometheus text names it ({@code x_total}
     * for most engines, {@code x} for TGI, whose counters have no {@code _total}); the OpenMetrics form (family
     * {@code x}, samples {@code x_total}) is found too.
     */
    boolean counter(CounterSignal signal, String... familyNames) {
        for (String name : familyNames) {
            MetricFamily f = exposition.family(name);
            if (f == null && name.endsWith("_total")) {
                f = exposition.family(name.substring(0, name.length() - "_total".length()));
            }
            if (f != null && !f.samples().isEmpty() && rejected(signal, f, series)) {
                use(f.name());
                return true;
            }
            double v = counterValue(name, 1.0);
            if (!Double.isNaN(v)) {
                builder.counter(signal, v);
                return true;
            }
        }
        return false;
    }

    /** A counter's value summed over series and scaled; NaN when absent. */
    double counterValue(String name, double scale) {
        MetricFamily f = use(name);
        if (f != null) {
            double v = FamilyReader.sum(f, name, series);
            if (Double.isNaN(v) && f.type() == MetricType.COUNTER) {
                v = FamilyReader.sum(f, name + "_total", series);
            }
            return v * scale;
        }
        if (name.endsWith("_total")) {
            String base = name.substring(0, name.length() - "_total".length());
            f = use(base);
            if (f != null) {
                return FamilyReader.sum(f, name, series) * scale;
            }
        }
        return Double.NaN;
    }

    /** Sets a counter computed elsewhere; NaN leaves it out, an infinite or negative value is rejected. */
    void counterValue(CounterSignal signal, double v) {
        if (!Double.isNaN(v)) {
            builder.counter(signal, v);
        }
    }

    /**
     * A latency distribution: the histogram's buckets, or count and sum alone where the engine exposes a summary
     * (or a histogram without buckets); bounds and sum multiplied by {@code toSeconds}. True when the family was
     * there.
     */
    boolean latency(LatencySignal signal, String familyName, double toSeconds) {
        MetricFamily f = use(familyName);
        if (f == null) {
            return false;
        }
        if (rejected(signal, f, series)) {
            return true;
        }
        Histogram h = f.type() == MetricType.SUMMARY ? null : FamilyReader.histogram(f, series);
        if (h == null && f.type() != MetricType.SUMMARY) {
            Rejection cut = FamilyCheck.incompleteHistogram(signal, f, series);
            if (cut != null) {
                builder.reject(cut);
                return true;
            }
        }
        if (h == null) {
            h = FamilyReader.countAndSum(f, series);
        }
        if (h != null) {
            builder.latency(signal, FamilyReader.scaled(h, toSeconds));
        }
        return true;
    }

    /** Sets a distribution computed elsewhere. */
    void latencyValue(LatencySignal signal, Histogram h) {
        builder.latency(signal, h);
    }

    /** The sample, stamped and named. */
    EngineReading reading(String dialect, String version, Instant scrapedAt) {
        EngineSample sample = builder.scrapedAt(scrapedAt).engine(new EngineIdentity(dialect, model, version)).build();
        return new EngineReading(sample, used);
    }
}
