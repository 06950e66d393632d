package dev.headroom.autoscaler.policy;

import dev.headroom.signals.SaturationTargets;
import dev.headroom.signals.Signal;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The service-level objective a workload is scaled for, written as its users would write it: time to first
 * token at a quantile, inter-token latency as a mean (time per output token) or at a quantile, and the share of
 * requests that must meet both.
 *
 * <p>Why the SLO and not targets: a per-replica target is a guess about where a replica stops meeting the
 * objective, and that point moves with the request mix (an 8,192-token prefill chunk in every step breaks an
 * ITL objective long before the batch is full). Given the objective, Headroom derives its latency alarms from it
 * ({@link #alarmTargets()}) and {@link SloCapacityRule} learns, online, the per-replica load at which it is just
 * met; hand-written targets in the spec still override both.
 *
 * <p>Headroom's signals carry the p50 and p95 of each latency. An objective at a quantile is watched on the
 * nearest signal that is not looser: {@code ttft_p50} for a median objective, {@code ttft_p95} for any quantile
 * above it (a p99 objective is then watched at p95, and the capacity's share below 1 is the room for the
 * difference).
 *
 * @param ttftSeconds  TTFT objective, seconds, finite and positive
 * @param ttftQuantile the quantile it applies to, in (0, 1)
 * @param itlSeconds   ITL objective, seconds, finite and positive
 * @param itlQuantile  the quantile it applies to, in (0, 1); empty: the mean time per output token
 * @param attainment   the share of requests that must meet the objective, in (0, 1]
 */
public record SloSpec(double ttftSeconds, double ttftQuantile, double itlSeconds, OptionalDouble itlQuantile,
                      double attainment) {

    /** The attainment when none is given. */
    public static final double DEFAULT_ATTAINMENT = 0.99;

    public SloSpec {
        if (!(ttftSeconds > 0) || !Double.isFinite(ttftSeconds)) {
            throw new IllegalArgumentException("SLO TTFT must be finite and > 0 seconds, got " + ttftSeconds);
        }
        if (!(itlSeconds > 0) || !Double.isFinite(itlSeconds)) {
            throw new IllegalArgumentException("SLO ITL must be finite and > 0 seconds, got " + itlSeconds);
        }
        if (!(ttftQuantile > 0 && ttftQuantile < 1)) {
            throw new IllegalArgumentException("SLO TTFT quantile must be in (0, 1), got " + ttftQuantile);
        }
        java.util.Objects.requireNonNull(itlQuantile, "itlQuantile");
        if (itlQuantile.isPresent() && !(itlQuantile.getAsDouble() > 0 && itlQuantile.getAsDouble() < 1)) {
            throw new IllegalArgumentException("SLO ITL quantile must be in (0, 1), got " + itlQuantile.getAsDouble());
        }
        if (!(attainment > 0 && attainment <= 1)) {
            throw new IllegalArgumentException("SLO attainment must be in (0, 1], got " + attainment);
        }
    }

    /**
     * The common form of an interactive objective: TTFT at {@code attainment}'s quantile, the mean ITL, both for
     * {@code attainment} of the requests (as the evaluation judges a run).
     */
    public static SloSpec perRequest(double ttftSeconds, double itlMeanSeconds, double attainment) {
        return new SloSpec(ttftSeconds, Math.min(attainment, 0.999), itlMeanSeconds, OptionalDouble.empty(),
                attainment);
    }

    /** The signal the TTFT objective is watched on: {@code ttft_p50} or {@code ttft_p95}. */
    public Signal ttftSignal() {
        return ttftQuantile <= 0.5 ? Signal.TTFT_P50 : Signal.TTFT_P95;
    }

    /** The signal the ITL objective is watched on: {@code itl_mean}, {@code itl_p50} or {@code itl_p95}. */
    public Signal itlSignal() {
        if (itlQuantile.isEmpty()) {
            return Signal.ITL_MEAN;
        }
        return itlQuantile.getAsDouble() <= 0.5 ? Signal.ITL_P50 : Signal.ITL_P95;
    }

    /**
     * The targets this objective sets, as overrides of {@link SaturationTargets#defaults()}: the TTFT and ITL
     * alarms on the objective's own signals at the objective's values, and the default ITL/TTFT alarms that the
     * objective does not use removed (a per-token p95 is a different, stricter quantity than a mean ITL).
     */
    public Map<String, String> alarmTargets() {
        Map<String, String> t = new LinkedHashMap<>();
        for (Signal s : new Signal[] {Signal.TTFT_P50, Signal.TTFT_P95, Signal.ITL_P50, Signal.ITL_P95,
                Signal.ITL_MEAN}) {
            t.put(s.key(), SaturationTargets.NONE);
        }
        t.put(ttftSignal().key(), number(ttftSeconds));
        t.put(itlSignal().key(), number(itlSeconds));
        return t;
    }

    /** The targets for a spec given only this objective: the defaults with {@link #alarmTargets()} applied. */
    public SaturationTargets targets() {
        return SaturationTargets.defaults().overriddenBy(alarmTargets());
    }

    /** One line: {@code TTFT p95 ≤ 2 s, ITL mean ≤ 0.1 s, for 99 % of requests}. */
    public String describe() {
        String itl = itlQuantile.isEmpty() ? "mean" : "p" + percent(itlQuantile.getAsDouble());
        return String.format(Locale.ROOT, "TTFT p%s ≤ %s s, ITL %s ≤ %s s, for %s %% of requests",
                percent(ttftQuantile), number(ttftSeconds), itl, number(itlSeconds), percent(attainment));
    }

    private static String percent(double q) {
        return number(q * 100);
    }

    private static String number(double v) {
        return java.math.BigDecimal.valueOf(v).round(new java.math.MathContext(6)).stripTrailingZeros()
                .toPlainString();
    }
}
