package dev.headroom.collectors.engine;

import java.util.Locale;
import java.util.Objects;

/**
 * A reading Headroom would not take: the engine said something about one of its inputs, but what it said is not a
 * value that input can have, or cannot be told apart from another (two series of the same name and labels). The
 * input is then <em>unknown</em> for that scrape, and this record says why: a reading that is wrong is never
 * turned into a zero (an idle replica, scaled down under load) nor passed on as read (a ratio of 7, scaled to max).
 *
 * <p>Rejections travel with the {@link EngineSample} they were made for; the window adds its own (a counter that
 * went down, a change of engine). {@code /v1/signals}, {@code inspect} and {@code headroom_reading_rejected_total}
 * show them.
 *
 * @param reading the input rejected: a {@link GaugeSignal}, {@link CounterSignal} or {@link LatencySignal}
 * @param reason  why, one of a fixed set (a metric label)
 * @param detail  what was read and where, for a person; never blank
 */
public record Rejection(Enum<?> reading, Reason reason, String detail) {

    /** Why a reading was rejected. {@link #key()} is the label value and the JSON word. */
    public enum Reason {
        /** A gauge or counter below zero: no queue, batch, cache or total can be. */
        NEGATIVE,
        /** A ratio outside [0, 1] (KV-cache utilisation of 7 is a percentage or a bug, not a full cache). */
        OUT_OF_RANGE,
        /** NaN or ±Inf where a number was needed. */
        NON_FINITE,
        /** The same series (name and labels) more than once in one payload: which one is true is not known. */
        DUPLICATE_SERIES,
        /** A histogram series cut off before its {@code +Inf} bucket, or one whose buckets do not match. */
        INCOMPLETE_HISTOGRAM,
        /** The family mixes series of several models: one replica's signal cannot be told from another model's. */
        SEVERAL_MODELS,
        /** A counter went down between two scrapes (a restart, or one rank's): its rate starts again after it. */
        COUNTER_DROP,
        /** The engine's identity (dialect, model or version) changed: the window started again. */
        ENGINE_CHANGED;

        /** Lower-case, e.g. {@code out_of_range}. */
        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public Rejection {
        Objects.requireNonNull(reading, "reading");
        Objects.requireNonNull(reason, "reason");
        if (!(reading instanceof GaugeSignal || reading instanceof CounterSignal || reading instanceof LatencySignal)) {
            throw new IllegalArgumentException("a rejection is of a gauge, counter or latency reading, got "
                    + reading.getClass().getSimpleName());
        }
        if (detail == null || detail.isBlank()) {
            throw new IllegalArgumentException("a rejection says what was read: detail is blank");
        }
    }

    @Override
    public String toString() {
        return reason.key() + ": " + detail;
    }
}
