package dev.headroom.autoscaler.kubernetes.crd;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Where the controller reads each pod's signals. */
public enum SignalSource {
    /** The pod's Headroom sidecar, {@code GET /v1/signals} (per-pod GPU readings, OTLP, drain). */
    @JsonProperty("sidecar")
    SIDECAR("sidecar"),
    /**
     * The engine's own metrics endpoint, scraped by the controller each tick with the sidecar's reader, window and
     * signals, one window per pod: no sidecar in the pod.
     */
    @JsonProperty("engine")
    ENGINE("engine");

    private final String value;

    SignalSource(String value) {
        this.value = value;
    }

    /** The name in the resource, e.g. {@code engine}. */
    public String value() {
        return value;
    }
}
