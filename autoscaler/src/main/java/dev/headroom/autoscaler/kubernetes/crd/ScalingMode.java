package dev.headroom.autoscaler.kubernetes.crd;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Optional;

/** How a {@code HeadroomPolicy}'s decisions are acted on. */
public enum ScalingMode {
    /** The controller patches the target's scale subresource (leader only). */
    @JsonProperty("direct")
    DIRECT("direct"),
    /** An HPA reads Headroom's value on {@code external.metrics.k8s.io} and scales. */
    @JsonProperty("external-metrics")
    EXTERNAL_METRICS("external-metrics"),
    /** KEDA asks Headroom's external scaler over gRPC and scales. */
    @JsonProperty("keda")
    KEDA("keda"),
    /** Decide, record, explain; change nothing. */
    @JsonProperty("dry-run")
    DRY_RUN("dry-run");

    private final String value;

    ScalingMode(String value) {
        this.value = value;
    }

    /** The name in the resource, e.g. {@code external-metrics}. */
    public String value() {
        return value;
    }

    /** The mode named {@code value} exactly, empty for anything else. */
    public static Optional<ScalingMode> fromValue(String value) {
        for (ScalingMode m : values()) {
            if (m.value.equals(value)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }
}
