package dev.headroom.signals;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * How full one replica is: each targeted signal divided by its target (1.0 = at target), and the composite,
 * the maximum of those, which is what the replica is closest to running out of.
 *
 * <p>A signal that is unknown, or stale, is left out; with none known the composite is empty, never 0, so
 * that missing data cannot read as an idle replica and never scales anything down.
 *
 * @param perSignal known signal ÷ target, for every targeted signal that is known
 * @param composite the maximum of {@code perSignal}; empty exactly when it is empty
 * @param dominant  the signal that gives the composite (the first in {@link Signal} order on a tie)
 */
public record Saturation(Map<Signal, Double> perSignal, OptionalDouble composite, Optional<Signal> dominant) {

    /** Nothing known. */
    public static final Saturation UNKNOWN = new Saturation(Map.of(), OptionalDouble.empty(), Optional.empty());

    public Saturation {
        Objects.requireNonNull(perSignal, "perSignal");
        Objects.requireNonNull(composite, "composite");
        Objects.requireNonNull(dominant, "dominant");
        EnumMap<Signal, Double> copy = perSignal.isEmpty() ? new EnumMap<>(Signal.class) : new EnumMap<>(perSignal);
        copy.forEach((signal, v) -> {
            if (v == null || !Double.isFinite(v) || v < 0) {
                throw new IllegalArgumentException("saturation of " + signal.key()
                        + " must be a finite number ≥ 0, got " + v);
            }
        });
        if (copy.isEmpty() != composite.isEmpty() || copy.isEmpty() != dominant.isEmpty()) {
            throw new IllegalArgumentException("composite and dominant are known exactly when some signal is: "
                    + copy + ", " + composite + ", " + dominant);
        }
        if (dominant.isPresent()) {
            double max = Double.NEGATIVE_INFINITY;
            for (double v : copy.values()) {
                max = Math.max(max, v);
            }
            if (composite.getAsDouble() != max) {
                throw new IllegalArgumentException("the composite must be the maximum " + max + " of " + copy
                        + ", got " + composite.getAsDouble());
            }
            Double d = copy.get(dominant.get());
            if (d == null || d != composite.getAsDouble()) {
                throw new IllegalArgumentException("dominant " + dominant.get().key() + " must carry the composite "
                        + composite.getAsDouble() + ", has " + d);
            }
        }
        perSignal = Collections.unmodifiableMap(copy);
    }

    /** Saturation of {@code signals} against {@code targets}; {@link #UNKNOWN} when the signals are stale. */
    public static Saturation of(Signals signals, SaturationTargets targets) {
        Objects.requireNonNull(signals, "signals");
        Objects.requireNonNull(targets, "targets");
        if (signals.stale()) {
            return UNKNOWN;
        }
        EnumMap<Signal, Double> ratios = new EnumMap<>(Signal.class);
        Signal dominant = null;
        double max = Double.NEGATIVE_INFINITY;
        for (Map.Entry<Signal, Double> target : targets.targets().entrySet()) {
            OptionalDouble value = signals.get(target.getKey());
            if (value.isEmpty()) {
                continue;
            }
            // Negative readings are engine noise (a gauge cannot hold fewer than zero requests): clamp to 0.
            double ratio = Math.max(0, value.getAsDouble()) / target.getValue();
            ratios.put(target.getKey(), ratio);
            if (ratio > max) {
                max = ratio;
                dominant = target.getKey();
            }
        }
        if (dominant == null) {
            return UNKNOWN;
        }
        return new Saturation(ratios, OptionalDouble.of(max), Optional.of(dominant));
    }

    /** The saturation of one signal, empty when it is unknown or has no target. */
    public OptionalDouble get(Signal signal) {
        Double v = perSignal.get(signal);
        return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
    }
}
