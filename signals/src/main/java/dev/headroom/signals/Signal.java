package dev.headroom.signals;

import dev.headroom.collectors.engine.CounterSignal;
import dev.headroom.collectors.engine.GaugeSignal;
import dev.headroom.collectors.engine.LatencySignal;
import dev.headroom.collectors.engine.Rejection;

import java.util.Optional;

/**
 * The canonical signals Headroom derives from a window of {@code EngineSample}s, one replica at a time.
 *
 * <p>Each signal says how it is derived ({@link Derivation}), from which field of the sample, in which unit,
 * and under which snake_case {@link #key()} it appears in JSON and metric labels. GPU readings are not
 * signals here on purpose: GPU utilisation says nothing about remaining capacity, so it can never become
 * part of saturation.
 */
public enum Signal {
    QUEUE("queue", "requests", GaugeSignal.QUEUE),
    RUNNING("running", "requests", GaugeSignal.RUNNING),
    KV_UTILIZATION("kv_utilization", "ratio", GaugeSignal.KV_UTILIZATION),
    /** A capacity, not a load: it has no saturation target. */
    KV_CAPACITY_TOKENS("kv_capacity_tokens", "tokens", GaugeSignal.KV_CAPACITY_TOKENS),
    PROMPT_TPS("prompt_tps", "tokens/s", CounterSignal.PROMPT_TOKENS),
    GENERATION_TPS("generation_tps", "tokens/s", CounterSignal.GENERATION_TOKENS),
    PREEMPTIONS_PS("preemptions_ps", "1/s", CounterSignal.PREEMPTIONS),
    REQUESTS_PS("requests_ps", "1/s", CounterSignal.REQUESTS_FINISHED),
    /**
     * Requests arriving per second: finished plus the growth of running and waiting. Unlike
     * {@link #REQUESTS_PS}, which plateaus at a replica's capacity, it keeps growing with the offered load.
     */
    ARRIVALS_PS("arrivals_ps", "1/s", Derivation.ARRIVALS, null, CounterSignal.REQUESTS_FINISHED, null, Double.NaN),
    TTFT_P50("ttft_p50", LatencySignal.TTFT, 0.50),
    TTFT_P95("ttft_p95", LatencySignal.TTFT, 0.95),
    ITL_P50("itl_p50", LatencySignal.ITL, 0.50),
    ITL_P95("itl_p95", LatencySignal.ITL, 0.95),
    /**
     * Mean inter-token latency (time per output token) over the window: the quantity TPOT objectives are
     * written on. The p95 of the per-token distribution is stricter: it includes the long steps in which a
     * prefill chunk runs beside the decodes.
     */
    ITL_MEAN("itl_mean", "s", Derivation.MEAN, null, null, LatencySignal.ITL, Double.NaN),
    E2E_P50("e2e_p50", LatencySignal.E2E, 0.50),
    E2E_P95("e2e_p95", LatencySignal.E2E, 0.95),
    QUEUE_TIME_P50("queue_time_p50", LatencySignal.QUEUE_TIME, 0.50),
    QUEUE_TIME_P95("queue_time_p95", LatencySignal.QUEUE_TIME, 0.95);

    /** How a signal is computed from the samples in a window. */
    public enum Derivation {
        /** The newest sample's value, as read. */
        GAUGE,
        /** Increase of a counter per second over the window, resets counted from zero. */
        RATE,
        /** {@code histogram_quantile} over the bucket increases across the window. */
        QUANTILE,
        /**
         * Requests arriving per second, by conservation: the increase of the finished-requests counter (resets
         * counted from zero, as for {@link #RATE}) plus the growth of the requests in the engine (gauges
         * {@link GaugeSignal#RUNNING} + {@link GaugeSignal#QUEUE}, newest minus oldest), over the seconds between
         * the oldest and newest samples that have all three. Negative only when an engine restarted and dropped
         * the requests it held; reported as 0 then.
         */
        ARRIVALS,
        /** Increase of a histogram's sum divided by the increase of its count across the window. */
        MEAN
    }

    private static final Signal[] VALUES = values();

    private final String key;
    private final String unit;
    private final Derivation derivation;
    private final GaugeSignal gauge;
    private final CounterSignal counter;
    private final LatencySignal latency;
    private final double quantile;

    Signal(String key, String unit, GaugeSignal gauge) {
        this(key, unit, Derivation.GAUGE, gauge, null, null, Double.NaN);
    }

    Signal(String key, String unit, CounterSignal counter) {
        this(key, unit, Derivation.RATE, null, counter, null, Double.NaN);
    }

    Signal(String key, LatencySignal latency, double quantile) {
        this(key, "s", Derivation.QUANTILE, null, null, latency, quantile);
    }

    Signal(String key, String unit, Derivation derivation, GaugeSignal gauge, CounterSignal counter,
           LatencySignal latency, double quantile) {
        this.key = key;
        this.unit = unit;
        this.derivation = derivation;
        this.gauge = gauge;
        this.counter = counter;
        this.latency = latency;
        this.quantile = quantile;
    }

    /** The snake_case name used in JSON, configuration and metric labels, e.g. {@code ttft_p95}. */
    public String key() {
        return key;
    }

    /** The unit of the value: requests, ratio, tokens, tokens/s, 1/s or s. */
    public String unit() {
        return unit;
    }

    public Derivation derivation() {
        return derivation;
    }

    /**
     * The sample gauge whose newest value this signal is; present only for {@link Derivation#GAUGE}.
     * ({@link Derivation#ARRIVALS} reads the fixed pair {@link GaugeSignal#RUNNING} and {@link GaugeSignal#QUEUE}
     * besides its counter; see there.)
     */
    public Optional<GaugeSignal> gauge() {
        return Optional.ofNullable(gauge);
    }

    /**
     * The sample counter this signal is derived from: present for {@link Derivation#RATE} (the counter it is a
     * rate of) and {@link Derivation#ARRIVALS} ({@link CounterSignal#REQUESTS_FINISHED}), empty for the others.
     */
    public Optional<CounterSignal> counter() {
        return Optional.ofNullable(counter);
    }

    /**
     * The latency histogram this signal is derived from: present for {@link Derivation#QUANTILE} (a quantile of
     * it) and {@link Derivation#MEAN} (its mean), empty for the others.
     */
    public Optional<LatencySignal> latency() {
        return Optional.ofNullable(latency);
    }

    /** The quantile in 0..1 for {@link Derivation#QUANTILE} signals; NaN for the others ({@link #ITL_MEAN} too). */
    public double quantile() {
        return quantile;
    }

    /**
     * Whether the signal measures load, so that it can carry a saturation target. A capacity
     * ({@link #KV_CAPACITY_TOKENS}) does not: more of it is not closer to full.
     */
    public boolean measuresLoad() {
        return this != KV_CAPACITY_TOKENS;
    }

    /**
     * Why {@code value} cannot be this signal's, or empty when it can: every signal counts or measures something, so
     * none is negative or non-finite, and a ratio is at most 1. The controller reads sidecars' values through this:
     * a value no engine could have is a reading it would not scale up on, so it never scales down on it either.
     */
    public Optional<Rejection.Reason> invalid(double value) {
        if (!Double.isFinite(value)) {
            return Optional.of(Rejection.Reason.NON_FINITE);
        }
        if (value < 0) {
            return Optional.of(Rejection.Reason.NEGATIVE);
        }
        if ("ratio".equals(unit) && value > 1) {
            return Optional.of(Rejection.Reason.OUT_OF_RANGE);
        }
        return Optional.empty();
    }

    /** The engine reading this signal is derived from: its gauge, counter or latency histogram. */
    public Enum<?> reading() {
        return gauge != null ? gauge : counter != null ? counter : latency;
    }

    /**
     * Whether this signal is derived from {@code reading} (a {@code GaugeSignal}, {@code CounterSignal} or
     * {@code LatencySignal}): a rejected reading makes every signal derived from it unknown. Arrivals read the
     * finished counter and the running and waiting gauges.
     */
    public boolean readsFrom(Enum<?> reading) {
        if (reading == gauge || reading == counter || reading == latency) {
            return true;
        }
        return derivation == Derivation.ARRIVALS && (reading == GaugeSignal.RUNNING || reading == GaugeSignal.QUEUE);
    }

    /** The signal with this {@link #key()}, matched exactly (keys are lower case). */
    public static Optional<Signal> fromKey(String key) {
        if (key == null) {
            return Optional.empty();
        }
        for (Signal s : VALUES) {
            if (s.key.equals(key)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
