package dev.headroom.signals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * The value of each signal at which one replica counts as full (saturation 1.0).
 *
 * <p>Only signals that {@linkplain Signal#measuresLoad() measure load} may have a target; each target is a
 * positive finite number in the signal's unit, and a {@code kv_utilization} target is at most 1 (a ratio
 * beyond 1 is never reached, so saturation would never show). GPU utilisation is not a {@link Signal} and so
 * can never be a target.
 *
 * <p>The {@linkplain #defaults() defaults} and why:
 * <ul>
 *   <li>{@code kv_utilization} 0.80: the scheduler preempts running sequences once the cache runs out of
 *       blocks, throwing their work away; running sequences keep growing into the cache, and a new replica
 *       takes minutes to load its weights. Twenty per cent is the room left for both.</li>
 *   <li>{@code queue} 4 waiting requests per replica: a short queue is normal between scheduler steps under
 *       bursty arrivals; a sustained one means every newcomer waits for others' prefill. Four absorbs the
 *       bursts seen at 1 Hz sampling without waiting for a queue that only grows.</li>
 *   <li>{@code ttft_p95} 2.0 s: about where an interactive user notices the wait before the first word; it
 *       is also the time-to-first-token bound of MLPerf Inference's Llama-2-70B server scenario.</li>
 *   <li>{@code itl_p95} 0.1 s: ten tokens a second per stream stays ahead of reading speed (about five to
 *       seven tokens a second); a slower stream is felt.</li>
 * </ul>
 */
public record SaturationTargets(Map<Signal, Double> targets) {

    /** The string that, in {@link #overriddenBy(Map)}, removes a default target. */
    public static final String NONE = "none";

    /**
     * Where a rate target ({@code arrivals_ps}) sits, as a share of what one replica sustains: 10 % below it, for
     * the noise of 30 s rates and the error of the estimate. Room for growth during a cold start is the load
     * forecast's part, not this margin's ({@code src/docs/policy.md}).
     */
    public static final double RATE_TARGET_SHARE = 0.90;

    private static final SaturationTargets DEFAULTS = new SaturationTargets(Map.of(
            Signal.KV_UTILIZATION, 0.80,
            Signal.QUEUE, 4.0,
            Signal.TTFT_P95, 2.0,
            Signal.ITL_P95, 0.1));

    public SaturationTargets {
        Objects.requireNonNull(targets, "targets");
        List<String> problems = new ArrayList<>();
        EnumMap<Signal, Double> copy = new EnumMap<>(Signal.class);
        targets.forEach((signal, value) -> {
            if (signal == null) {
                problems.add("a target has no signal (value " + value + ")");
                return;
            }
            String problem = problem(signal, value);
            if (problem != null) {
                problems.add(problem);
            } else {
                copy.put(signal, value);
            }
        });
        if (!problems.isEmpty()) {
            throw new InvalidTargetsException(problems);
        }
        targets = Collections.unmodifiableMap(copy);
    }

    /** KV 0.80, queue 4, TTFT p95 2 s, ITL p95 0.1 s (see the class comment for why). */
    public static SaturationTargets defaults() {
        return DEFAULTS;
    }

    /**
     * Exactly the targets in {@code config}, keyed by {@link Signal#key()}, values as decimal numbers in the
     * signal's unit (e.g. {@code kv_utilization=0.85}, {@code ttft_p95=1.5}).
     *
     * @throws InvalidTargetsException listing every unknown key, unparsable or out-of-range value
     */
    public static SaturationTargets parse(Map<String, String> config) {
        Objects.requireNonNull(config, "config");
        return build(new EnumMap<>(Signal.class), config, false);
    }

    /**
     * These targets with {@code config} applied on top: a key sets or replaces its target, and the value
     * {@value #NONE} removes it.
     *
     * @throws InvalidTargetsException listing every bad entry
     */
    public SaturationTargets overriddenBy(Map<String, String> config) {
        Objects.requireNonNull(config, "config");
        return build(new EnumMap<>(targets), config, true);
    }

    private static SaturationTargets build(EnumMap<Signal, Double> into, Map<String, String> config,
                                           boolean allowNone) {
        List<String> problems = new ArrayList<>();
        // Sorted so that the messages come in a stable order, whatever map the caller passed.
        for (Map.Entry<String, String> e : new TreeMap<>(config).entrySet()) {
            String key = e.getKey();
            String raw = e.getValue() == null ? null : e.getValue().trim();
            Signal signal = Signal.fromKey(key == null ? null : key.trim()).orElse(null);
            if (signal == null || !signal.measuresLoad()) {
                problems.add("saturation target key '" + key + "' (value '" + raw + "') is not a load signal;"
                        + " accepted keys: " + acceptedKeys());
                continue;
            }
            if (allowNone && NONE.equals(raw)) {
                into.remove(signal);
                continue;
            }
            double value;
            try {
                value = raw == null || raw.isEmpty() ? Double.NaN : Double.parseDouble(raw);
            } catch (NumberFormatException notANumber) {
                value = Double.NaN;
            }
            String problem = problem(signal, value);
            if (problem != null || raw == null || raw.isEmpty()) {
                problems.add("saturation target " + signal.key() + "='" + raw + "' is not accepted; expected "
                        + accepted(signal) + (allowNone ? " or '" + NONE + "' to remove it" : ""));
                continue;
            }
            into.put(signal, value);
        }
        if (!problems.isEmpty()) {
            throw new InvalidTargetsException(problems);
        }
        return new SaturationTargets(into);
    }

    /** Why this target is unusable, or null when it is fine. */
    private static String problem(Signal signal, Double value) {
        if (!signal.measuresLoad()) {
            return "saturation target for " + signal.key() + " (" + value + ") is not accepted: it is a capacity,"
                    + " not a load; accepted keys: " + acceptedKeys();
        }
        if (value == null || !Double.isFinite(value) || value <= 0
                || (signal == Signal.KV_UTILIZATION && value > 1)) {
            return "saturation target for " + signal.key() + " is " + value + "; expected " + accepted(signal);
        }
        return null;
    }

    private static String accepted(Signal signal) {
        return signal == Signal.KV_UTILIZATION
                ? "a ratio greater than 0 and at most 1"
                : "a positive finite number in " + signal.unit();
    }

    private static String acceptedKeys() {
        StringJoiner keys = new StringJoiner(", ");
        for (Signal s : Signal.values()) {
            if (s.measuresLoad()) {
                keys.add(s.key());
            }
        }
        return keys.toString();
    }

    /** The target of a signal, empty when it has none. */
    public OptionalDouble get(Signal signal) {
        Double v = targets.get(signal);
        return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
    }
}
