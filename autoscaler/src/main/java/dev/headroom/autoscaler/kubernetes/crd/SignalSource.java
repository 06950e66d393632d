package dev.headroom.autoscaler.kubernetes.crd;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Where the controller reads each pod's signals. Written in UpperCamelCase ({@code Sidecar}); the first release's
 * lower-case spellings are still read (see {@link ScalingMode}).
 */
public enum SignalSource {
    /** The pod's Headroom sidecar, {@code GET /v1/signals} (per-pod GPU readings, OTLP, drain). */
    SIDECAR("Sidecar", "sidecar"),
    /**
     * The engine's own metrics endpoint, scraped by the controller each tick with the sidecar's reader, window and
     * signals, one window per pod: no sidecar in the pod.
     */
    ENGINE("Engine", "engine");

    private final String value;
    private final String legacyValue;

    SignalSource(String value, String legacyValue) {
        this.value = value;
        this.legacyValue = legacyValue;
    }

    /** The name in the resource, e.g. {@code Engine}. */
    @JsonValue
    public String value() {
        return value;
    }

    /** Reads a resource's {@code spec.source}, either spelling. */
    @JsonCreator
    static SignalSource read(String value) {
        for (SignalSource s : values()) {
            if (s.value.equals(value) || s.legacyValue.equals(value)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown source '" + value + "'; expected Sidecar or Engine");
    }

    /** Every spelling {@code spec.source} accepts, for the CRD's schema (see {@link ScalingMode.Spelling}). */
    public enum Spelling {
        @JsonProperty("Sidecar") SIDECAR,
        @JsonProperty("Engine") ENGINE,
        /** Deprecated spellings, still accepted. */
        @JsonProperty("sidecar") LEGACY_SIDECAR,
        @JsonProperty("engine") LEGACY_ENGINE
    }
}
