package dev.headroom.collectors.exposition;

import java.util.Objects;
import java.util.OptionalLong;

/** An OpenMetrics exemplar ({@code # {trace_id="…"} 0.5 123}) attached to a sample. */
public record Exemplar(Labels labels, double value, long timestampMillis) {

    public Exemplar {
        Objects.requireNonNull(labels, "labels");
    }

    public OptionalLong timestamp() {
        return timestampMillis == Sample.NO_TIMESTAMP ? OptionalLong.empty() : OptionalLong.of(timestampMillis);
    }
}
