package dev.headroom.signals;

import dev.headroom.collectors.engine.EngineIdentity;
import dev.headroom.collectors.engine.Rejection;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * The canonical signals of one replica at one instant, derived from a {@link SampleWindow}.
 *
 * <p>A signal that could not be derived is <em>absent</em> from {@code values}: unknown, never zero. Stale
 * signals carry no values at all, so that an engine that stopped answering never looks idle; {@code age}
 * still says how old the newest sample is.
 *
 * @param at      when the signals were derived
 * @param engine  the engine of the newest sample ({@code unknown} parts when there is none)
 * @param values  known signals and their values in {@link Signal#unit()}; finite numbers only
 * @param stale   true when the newest sample is older than the window's {@code staleAfter}, or there is none
 * @param age     how long before {@code at} the newest sample was taken; {@link #NEVER} when there is none
 * @param samples how many samples the window held
 * @param rejected why a signal is unknown when it is because a reading was rejected (a negative gauge, a ratio
 *                 above 1, a counter that dropped, a change of engine...): never a known signal, never when stale
 */
public record Signals(Instant at, EngineIdentity engine, Map<Signal, Double> values, boolean stale, Duration age,
                      int samples, Map<Signal, Rejection> rejected) {

    /** The age of data that never arrived: longer than any staleness threshold. */
    public static final Duration NEVER = ChronoUnit.FOREVER.getDuration();

    private static final EngineIdentity NO_ENGINE = new EngineIdentity(null, null, null);
    private static final Map<Signal, Double> NO_VALUES = Collections.unmodifiableMap(new EnumMap<>(Signal.class));
    private static final Map<Signal, Rejection> NO_REJECTIONS =
            Collections.unmodifiableMap(new EnumMap<>(Signal.class));

    public Signals {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(age, "age");
        if (age.isNegative()) {
            throw new IllegalArgumentException("signal age cannot be negative, got " + age);
        }
        if (samples < 0) {
            throw new IllegalArgumentException("sample count cannot be negative, got " + samples);
        }
        if (values == null || values.isEmpty()) {
            values = NO_VALUES;
        } else {
            EnumMap<Signal, Double> copy = new EnumMap<>(values);
            copy.forEach((signal, v) -> {
                if (v == null || !Double.isFinite(v)) {
                    throw new IllegalArgumentException(signal.key() + " must be a finite number, got " + v
                            + " (leave an unknown signal out instead)");
                }
            });
            values = Collections.unmodifiableMap(copy);
        }
        if (stale && !values.isEmpty()) {
            throw new IllegalArgumentException("stale signals carry no values, got " + values.keySet());
        }
        if (samples == 0 && !stale) {
            throw new IllegalArgumentException("signals from no samples must be stale");
        }
        if (rejected == null || rejected.isEmpty()) {
            rejected = NO_REJECTIONS;
        } else {
            EnumMap<Signal, Rejection> copy = new EnumMap<>(rejected);
            for (Signal signal : copy.keySet()) {
                if (values.containsKey(signal)) {
                    throw new IllegalArgumentException(signal.key() + " is known and rejected at once");
                }
            }
            if (stale) {
                throw new IllegalArgumentException("stale signals carry no rejections, got " + copy.keySet());
            }
            rejected = Collections.unmodifiableMap(copy);
        }
    }

    /** Signals in which no reading was rejected. */
    public Signals(Instant at, EngineIdentity engine, Map<Signal, Double> values, boolean stale, Duration age,
                   int samples) {
        this(at, engine, values, stale, age, samples, NO_REJECTIONS);
    }

    /** Signals from a window that holds no sample: everything unknown, stale, age {@link #NEVER}. */
    public static Signals empty(Instant at) {
        return new Signals(at, NO_ENGINE, NO_VALUES, true, NEVER, 0, NO_REJECTIONS);
    }

    /** The value of a signal, empty when unknown (including when stale). */
    public OptionalDouble get(Signal signal) {
        Double v = values.get(signal);
        return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
    }

    /** Whether any sample has ever been seen; when not, {@link #age()} is {@link #NEVER}. */
    public boolean hasData() {
        return samples > 0;
    }

    /** The age in seconds, empty when no sample has been seen (so that no display shows a huge number). */
    public OptionalDouble ageSeconds() {
        return hasData() ? OptionalDouble.of(age.toNanos() / 1e9) : OptionalDouble.empty();
    }
}
