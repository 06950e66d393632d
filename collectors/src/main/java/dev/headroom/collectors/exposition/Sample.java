package dev.headroom.collectors.exposition;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One sample line: its full name (e.g. {@code x_bucket}), labels, value and optional timestamp.
 *
 * @param timestampMillis milliseconds since the epoch, or {@link #NO_TIMESTAMP}; OpenMetrics float seconds are
 *                        converted to milliseconds
 * @param exemplar        the OpenMetrics exemplar, or null
 */
public record Sample(String name, Labels labels, double value, long timestampMillis, Exemplar exemplar) {

    /** Marks a sample without a timestamp (kept primitive so a sample costs no boxing). */
    public static final long NO_TIMESTAMP = Long.MIN_VALUE;

    public Sample {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(labels, "labels");
    }

    public Sample(String name, Labels labels, double value) {
        this(name, labels, value, NO_TIMESTAMP, null);
    }

    public OptionalLong timestamp() {
        return timestampMillis == NO_TIMESTAMP ? OptionalLong.empty() : OptionalLong.of(timestampMillis);
    }

    public Optional<Exemplar> optionalExemplar() {
        return Optional.ofNullable(exemplar);
    }

    /** Shorthand for {@code labels().get(name)}. */
    public String label(String labelName) {
        return labels.get(labelName);
    }
}
