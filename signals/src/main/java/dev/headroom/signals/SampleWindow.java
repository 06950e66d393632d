package dev.headroom.signals;

import dev.headroom.collectors.engine.CounterSignal;
import dev.headroom.collectors.engine.EngineSample;
import dev.headroom.collectors.engine.GaugeSignal;
import dev.headroom.collectors.engine.Histogram;
import dev.headroom.collectors.engine.LatencySignal;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The last samples of one engine, and the {@link Signals} they give.
 *
 * <p><b>Bounds.</b> A ring buffer of at most {@link WindowConfig#maxSamples()} samples; a sample older than the
 * newest by more than {@link WindowConfig#maxSpan()} is dropped when a newer one arrives. Samples must come
 * in timestamp order: a duplicate or older timestamp is ignored and counted by {@link Rejection}.
 *
 * <p><b>Derivation.</b> A signal the newest sample lacks is unknown; older samples that lack it are skipped.
 * <ul>
 *   <li>Gauges are the newest sample's value.</li>
 *   <li>Rates are the increase of a counter from the oldest to the newest sample that has it, divided by
 *       the seconds between them. A decrease between two consecutive samples is a reset: the rate starts
 *       again from the sample after it, and is unknown (rejected as {@code counter_drop}) until a second sample
 *       follows. Counting the value after the drop as an increase from 0 is right only for a whole-engine
 *       restart; when one data-parallel rank restarts, or a counter merely dips, it reads the whole counter as
 *       one interval's increase, 10⁴–10⁷ × the true rate for the length of the window. A rate is never
 *       negative. There is no extrapolation to the window's edges as PromQL's {@code rate} does: these are our
 *       own scrapes, the span between the first and last is exactly known.</li>
 *   <li>Quantiles come from the increase of each bucket across the window, summed over consecutive pairs of
 *       samples; a pair in which any bucket decreases is a reset, and its increase is the post-reset
 *       histogram itself. Then {@link HistogramQuantile}, exactly as PromQL. No observations in the window,
 *       fewer than two samples, or a bucket layout that changed inside the window give unknown.</li>
 *   <li>Arrivals ({@link Signal#ARRIVALS_PS}) are conserved requests: the increase of the finished-requests
 *       counter plus the growth of running + waiting, from the oldest to the newest sample that has all three
 *       (and is not before the counter's last drop), over the seconds between them. Unlike the finished rate, it keeps growing past a
 *       replica's capacity, the queue's growth included. A negative result, possible only when a restart
 *       dropped requests in flight, is 0.</li>
 *   <li>Means ({@link Signal#ITL_MEAN}) are the increase of a histogram's sum over the increase of its count,
 *       pair by pair; a pair in which the count, the sum or a bucket decreases is a reset, and its increase is
 *       the post-reset histogram. No observations in the window, fewer than two samples, or an unknown sum
 *       give unknown. A bucket layout change does not matter to a mean.</li>
 * </ul>
 *
 * <p><b>Rejected readings.</b> A reading the sample's dialect rejected (see {@link dev.headroom.collectors.engine.Rejection}) is absent from the
 * sample, so every signal derived from it is unknown when the newest sample lacks it; {@link Signals#rejected()}
 * says why. A sample from another engine (dialect, model or version) empties the window first: rates across a
 * switch from vLLM to SGLang and back would compare two engines' counters. Until a second sample of the new
 * engine arrives its windowed signals are unknown, rejected as {@code engine_changed}.
 *
 * <p><b>Staleness.</b> When the newest sample is older than {@link WindowConfig#staleAfter()} at the instant
 * asked about, the signals are stale: they carry the age and no values, so that an engine that stopped
 * answering never reads as an idle one.
 *
 * <p><b>Threads.</b> Safe for any number of writers and readers: {@link #add} and the copy of the ring taken by
 * {@link #signals} hold the window's lock for a few field writes or a short array copy; the arithmetic runs
 * outside it, on immutable samples. Data-parallel ranks arrive already summed by the dialect; if one rank
 * restarted alone, its sum decreases and the whole engine is treated as reset (an over-count for that one
 * window, never a negative rate).
 *
 * <p><b>Cost.</b> {@link #add} allocates nothing. {@link #signals} allocates the snapshot array, one scratch
 * array per latency histogram and the result map; it does not box per sample (values already boxed in a
 * sample's maps are only read). Arrivals and means are one more pass each over the snapshot, allocating
 * nothing.
 */
public final class SampleWindow {

    /** Why a sample was not added. */
    public enum Rejection {
        /** Same timestamp as the newest sample (the same scrape delivered twice). */
        DUPLICATE_TIMESTAMP,
        /** Older than the newest sample (a late delivery, or a clock that stepped back). */
        OUT_OF_ORDER
    }

    private static final Signal[] SIGNALS = Signal.values();
    private static final LatencySignal[] LATENCIES = LatencySignal.values();

    private final WindowConfig config;
    private final long maxSpanNanos;
    private final long staleAfterNanos;

    // Guarded by this.
    private final EngineSample[] ring;
    private final long[] times;
    private int head;
    private int size;
    private final long[] rejected = new long[Rejection.values().length];
    /** The first sample after a change of engine, while it is the window's oldest; with what changed. */
    private EngineSample changedBy;
    private String changeDetail;

    public SampleWindow(WindowConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.maxSpanNanos = config.maxSpan().toNanos();
        this.staleAfterNanos = config.staleAfter().toNanos();
        this.ring = new EngineSample[config.maxSamples()];
        this.times = new long[config.maxSamples()];
    }

    public WindowConfig config() {
        return config;
    }

    /**
     * Adds a sample newer than every sample held; a duplicate or older timestamp is ignored and counted
     * (see {@link #rejected(Rejection)}). Drops samples beyond the window's count and span.
     */
    public void add(EngineSample sample) {
        Objects.requireNonNull(sample, "sample");
        long t = epochNanos(sample.scrapedAt());
        synchronized (this) {
            if (size > 0) {
                long newest = times[slot(size - 1)];
                if (t == newest) {
                    rejected[Rejection.DUPLICATE_TIMESTAMP.ordinal()]++;
                    return;
                }
                if (t < newest) {
                    rejected[Rejection.OUT_OF_ORDER.ordinal()]++;
                    return;
                }
            }
            if (size > 0) {
                EngineSample previous = ring[slot(size - 1)];
                if (!previous.engine().equals(sample.engine())) {
                    changeDetail = "engine changed from " + previous.engine() + " to " + sample.engine()
                            + ": the window started again";
                    changedBy = sample;
                    while (size > 0) {
                        dropOldest();
                    }
                    head = 0;
                }
            }
            if (size == ring.length) {
                dropOldest();
            }
            int s = slot(size);
            ring[s] = sample;
            times[s] = t;
            size++;
            while (size > 1 && t - times[head] > maxSpanNanos) {
                dropOldest();
            }
        }
    }

    /** How many samples were ignored for this reason since the window was made. */
    public synchronized long rejected(Rejection reason) {
        return rejected[reason.ordinal()];
    }

    /** How many samples the window holds now. */
    public synchronized int size() {
        return size;
    }

    /** The newest sample held, if any. */
    public synchronized Optional<EngineSample> newest() {
        return size == 0 ? Optional.empty() : Optional.of(ring[slot(size - 1)]);
    }

    /**
     * The signals as of {@code now}. A newest sample stamped after {@code now} (a clock that stepped back)
     * has age zero.
     */
    public Signals signals(Instant now) {
        Objects.requireNonNull(now, "now");
        EngineSample[] samples;
        EngineSample change;
        String changed;
        synchronized (this) {
            samples = snapshot();
            change = changedBy;
            changed = changeDetail;
        }
        if (samples.length == 0) {
            return Signals.empty(now);
        }
        EngineSample newest = samples[samples.length - 1];
        long ageNanos = Math.max(0, epochNanos(now) - epochNanos(newest.scrapedAt()));
        Duration age = Duration.ofNanos(ageNanos);
        if (ageNanos > staleAfterNanos) {
            return new Signals(now, newest.engine(), null, true, age, samples.length);
        }
        EnumMap<Signal, Double> values = new EnumMap<>(Signal.class);
        for (Signal signal : SIGNALS) {
            if (signal.derivation() == Signal.Derivation.GAUGE) {
                putIfKnown(values, signal, newest.gauges().get(signal.gauge().orElseThrow()));
            } else if (signal.derivation() == Signal.Derivation.RATE) {
                putIfKnown(values, signal, rate(samples, signal.counter().orElseThrow()));
            } else if (signal.derivation() == Signal.Derivation.ARRIVALS) {
                putIfKnown(values, signal, arrivals(samples));
            } else if (signal.derivation() == Signal.Derivation.MEAN) {
                putIfKnown(values, signal, mean(samples, signal.latency().orElseThrow()));
            }
        }
        for (LatencySignal latency : LATENCIES) {
            addQuantiles(values, samples, latency);
        }
        boolean engineChanged = change != null && samples.length == 1 && samples[0] == change;
        return new Signals(now, newest.engine(), values, false, age, samples.length,
                readingRejections(values, samples, engineChanged ? changed : null));
    }

    /**
     * Why each unknown signal is unknown, where a rejection says: a reading the newest sample rejected, a counter
     * that dropped at the newest sample, or a change of engine that left one sample in the window.
     */
    private static EnumMap<Signal, dev.headroom.collectors.engine.Rejection> readingRejections(EnumMap<Signal, Double> values, EngineSample[] samples,
            String engineChange) {
        EngineSample newest = samples[samples.length - 1];
        EnumMap<Signal, dev.headroom.collectors.engine.Rejection> rejected = new EnumMap<>(Signal.class);
        for (Signal signal : SIGNALS) {
            if (values.containsKey(signal)) {
                continue;
            }
            for (dev.headroom.collectors.engine.Rejection r : newest.rejections()) {
                if (signal.readsFrom(r.reading())) {
                    rejected.put(signal, r);
                    break;
                }
            }
            if (rejected.containsKey(signal) || signal.derivation() == Signal.Derivation.GAUGE) {
                continue;
            }
            Enum<?> reading = signal.counter().isPresent() ? signal.counter().get() : signal.latency().orElseThrow();
            if (engineChange != null) {
                rejected.put(signal, new dev.headroom.collectors.engine.Rejection(reading, dev.headroom.collectors.engine.Rejection.Reason.ENGINE_CHANGED, engineChange));
            } else if (reading instanceof CounterSignal counter) {
                double drop = dropAtNewest(samples, counter);
                if (!Double.isNaN(drop)) {
                    rejected.put(signal, new dev.headroom.collectors.engine.Rejection(reading, dev.headroom.collectors.engine.Rejection.Reason.COUNTER_DROP,
                            counter.name().toLowerCase(java.util.Locale.ROOT) + " went down from " + drop + " to "
                                    + newest.counters().get(counter) + ": the rate starts again from here"));
                }
            }
        }
        return rejected;
    }

    /** The counter's previous value when the newest sample's is lower (a drop), else NaN. */
    private static double dropAtNewest(EngineSample[] samples, CounterSignal counter) {
        Double now = samples[samples.length - 1].counters().get(counter);
        if (now == null) {
            return Double.NaN;
        }
        for (int i = samples.length - 2; i >= 0; i--) {
            Double before = samples[i].counters().get(counter);
            if (before != null) {
                return now < before ? before : Double.NaN;
            }
        }
        return Double.NaN;
    }

    private static void putIfKnown(EnumMap<Signal, Double> values, Signal signal, Double value) {
        if (value != null && Double.isFinite(value)) {
            values.put(signal, value);
        }
    }

    private static void putIfKnown(EnumMap<Signal, Double> values, Signal signal, double value) {
        if (Double.isFinite(value)) {
            values.put(signal, value);
        }
    }

    /**
     * Per-second increase of a counter since its last drop (or the oldest sample); NaN when fewer than two samples
     * since then have it.
     */
    static double rate(EngineSample[] samples, CounterSignal counter) {
        EngineSample newest = samples[samples.length - 1];
        if (newest.counters().get(counter) == null) {
            return Double.NaN;
        }
        double increase = 0;
        double previous = Double.NaN;
        long firstNanos = 0;
        int seen = 0;
        for (EngineSample sample : samples) {
            Double boxed = sample.counters().get(counter);
            if (boxed == null) {
                continue;
            }
            double v = boxed;
            if (seen == 0 || v < previous) {
                // The first sample, or a drop: the rate is measured from here.
                firstNanos = epochNanos(sample.scrapedAt());
                increase = 0;
                seen = 0;
            } else {
                increase += v - previous;
            }
            previous = v;
            seen++;
        }
        if (seen < 2) {
            return Double.NaN;
        }
        double seconds = (epochNanos(newest.scrapedAt()) - firstNanos) / 1e9;
        return increase / seconds;
    }

    /**
     * Requests arriving per second, by conservation: finished (the increase of the finished-requests counter,
     * resets counted from zero) plus the growth of running + waiting, from the oldest to the newest sample that
     * has all three, over the seconds between them. Every sample with the counter in between takes part in the
     * reset detection. A negative result (an engine restart that dropped the requests it held) is 0. NaN when
     * the newest sample lacks any of the three or no older sample has all three.
     */
    static double arrivals(EngineSample[] samples) {
        EngineSample newest = samples[samples.length - 1];
        if (!hasArrivalInputs(newest)) {
            return Double.NaN;
        }
        // Start at the finished counter's last drop, if any: across it the increase is not known.
        int first = 0;
        double last = Double.NaN;
        for (int i = 0; i < samples.length; i++) {
            Double boxed = samples[i].counters().get(CounterSignal.REQUESTS_FINISHED);
            if (boxed != null) {
                if (boxed < last) {
                    first = i;
                }
                last = boxed;
            }
        }
        while (!hasArrivalInputs(samples[first])) {
            first++;
        }
        if (first == samples.length - 1) {
            return Double.NaN;
        }
        EngineSample oldest = samples[first];
        double previous = oldest.counters().get(CounterSignal.REQUESTS_FINISHED);
        double finished = 0;
        for (int i = first + 1; i < samples.length; i++) {
            Double boxed = samples[i].counters().get(CounterSignal.REQUESTS_FINISHED);
            if (boxed == null) {
                continue;
            }
            double v = boxed;
            finished += v - previous; // no drop after first
            previous = v;
        }
        double growth = inEngine(newest) - inEngine(oldest);
        double seconds = (epochNanos(newest.scrapedAt()) - epochNanos(oldest.scrapedAt())) / 1e9;
        return Math.max(0.0, (finished + growth) / seconds);
    }

    private static boolean hasArrivalInputs(EngineSample sample) {
        return sample.counters().get(CounterSignal.REQUESTS_FINISHED) != null
                && sample.gauges().get(GaugeSignal.RUNNING) != null
                && sample.gauges().get(GaugeSignal.QUEUE) != null;
    }

    /** Requests running plus waiting; the caller has checked that both gauges are there. */
    private static double inEngine(EngineSample sample) {
        double running = sample.gauges().get(GaugeSignal.RUNNING);
        double waiting = sample.gauges().get(GaugeSignal.QUEUE);
        return running + waiting;
    }

    /**
     * The mean observation over the window: increase of the histogram's sum over increase of its count, summed
     * over consecutive pairs of samples that have it. A pair in which the count, the sum or (with an unchanged
     * layout) any bucket decreases is a reset, and its increase is the post-reset histogram itself. NaN when
     * the newest sample lacks the histogram, fewer than two samples have it, no observation was made in the
     * window, or a sum is unknown.
     */
    static double mean(EngineSample[] samples, LatencySignal latency) {
        if (samples[samples.length - 1].latencies().get(latency) == null) {
            return Double.NaN;
        }
        Histogram previous = null;
        double sum = 0;
        double count = 0;
        for (EngineSample sample : samples) {
            Histogram h = sample.latencies().get(latency);
            if (h == null) {
                continue;
            }
            if (previous != null) {
                if (isReset(previous, h)) {
                    sum += h.sum();
                    count += h.count();
                } else {
                    sum += h.sum() - previous.sum();
                    count += h.count() - previous.count();
                }
            }
            previous = h;
        }
        // One sample with the histogram leaves count at 0: no increase known, hence unknown too. An unknown
        // (NaN) sum anywhere makes the result NaN, which the caller leaves out.
        // A negative sum can only come from a histogram the sample's builder did not check: unknown, never a value.
        return count > 0 && sum >= 0 ? sum / count : Double.NaN;
    }

    private static boolean isReset(Histogram previous, Histogram h) {
        if (h.count() < previous.count() || h.sum() < previous.sum()) {
            return true;
        }
        if (sameLayout(previous, h)) {
            for (int i = 0, n = h.bucketCount(); i < n; i++) {
                if (h.cumulativeCount(i) < previous.cumulativeCount(i)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static void addQuantiles(EnumMap<Signal, Double> values, EngineSample[] samples, LatencySignal latency) {
        double[] increase = bucketIncrease(samples, latency);
        if (increase == null) {
            return;
        }
        Histogram layout = samples[samples.length - 1].latencies().get(latency);
        double[] bounds = layout.upperBounds();
        for (Signal signal : SIGNALS) {
            if (signal.derivation() == Signal.Derivation.QUANTILE && signal.latency().orElseThrow() == latency) {
                // ofInPlace only raises dips to the running maximum, which is idempotent: safe to reuse.
                OptionalDouble q = HistogramQuantile.ofInPlace(signal.quantile(), bounds, increase);
                if (q.isPresent()) {
                    values.put(signal, q.getAsDouble());
                }
            }
        }
    }

    /**
     * Cumulative increase per bucket over the window, or null when unknown: the newest sample lacks the
     * histogram, fewer than two samples have it, or the bucket layout changed inside the window.
     */
    static double[] bucketIncrease(EngineSample[] samples, LatencySignal latency) {
        if (samples[samples.length - 1].latencies().get(latency) == null) {
            return null;
        }
        double[] increase = null;
        Histogram previous = null;
        int seen = 0;
        for (EngineSample sample : samples) {
            Histogram h = sample.latencies().get(latency);
            if (h == null) {
                continue;
            }
            seen++;
            if (previous == null) {
                previous = h;
                increase = new double[h.bucketCount()];
                continue;
            }
            if (!sameLayout(previous, h)) {
                return null;
            }
            int n = h.bucketCount();
            boolean reset = false;
            for (int i = 0; i < n; i++) {
                if (h.cumulativeCount(i) < previous.cumulativeCount(i)) {
                    reset = true;
                    break;
                }
            }
            for (int i = 0; i < n; i++) {
                increase[i] += reset ? h.cumulativeCount(i) : h.cumulativeCount(i) - previous.cumulativeCount(i);
            }
            previous = h;
        }
        return seen < 2 ? null : increase;
    }

    private static boolean sameLayout(Histogram a, Histogram b) {
        if (a == b) {
            return true;
        }
        int n = a.bucketCount();
        if (n != b.bucketCount()) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (Double.compare(a.upperBound(i), b.upperBound(i)) != 0) {
                return false;
            }
        }
        return true;
    }

    private synchronized EngineSample[] snapshot() {
        EngineSample[] copy = new EngineSample[size];
        for (int i = 0; i < size; i++) {
            copy[i] = ring[slot(i)];
        }
        return copy;
    }

    private int slot(int i) {
        return (head + i) % ring.length;
    }

    private void dropOldest() {
        ring[head] = null;
        head = (head + 1) % ring.length;
        size--;
    }

    /** Nanoseconds since the epoch; exact for instants between 1677 and 2262. */
    private static long epochNanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }
}
