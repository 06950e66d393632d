package dev.headroom.autoscaler.kubernetes.crd;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Optional;

/**
 * How a {@code HeadroomPolicy}'s decisions are acted on. Written in UpperCamelCase as Kubernetes writes enum values
 * ({@code DryRun}); the spellings of the first release ({@code dry-run}, {@code external-metrics}, ...) are still read,
 * by the schema ({@link Spelling}) and here, so that policies written then keep working.
 */
public enum ScalingMode {
    /** The controller patches the target's scale subresource (leader only). */
    DIRECT("Direct", "direct"),
    /** An HPA reads Headroom's value on {@code external.metrics.k8s.io} and scales. */
    EXTERNAL_METRICS("ExternalMetrics", "external-metrics"),
    /** KEDA asks Headroom's external scaler over gRPC and scales. */
    KEDA("KEDA", "keda"),
    /** Decide, record, explain; change nothing. */
    DRY_RUN("DryRun", "dry-run");

    private final String value;
    private final String legacyValue;

    ScalingMode(String value, String legacyValue) {
        this.value = value;
        this.legacyValue = legacyValue;
    }

    /** The name in the resource, e.g. {@code ExternalMetrics}. */
    @JsonValue
    public String value() {
        return value;
    }

    /** The mode named {@code value}, in either spelling; empty for anything else. */
    public static Optional<ScalingMode> fromValue(String value) {
        for (ScalingMode m : values()) {
            if (m.value.equals(value) || m.legacyValue.equals(value)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    /** Reads a resource's {@code spec.mode}, either spelling. */
    @JsonCreator
    static ScalingMode read(String value) {
        return fromValue(value).orElseThrow(() -> new IllegalArgumentException("unknown mode '" + value
                + "'; expected Direct, ExternalMetrics, KEDA or DryRun"));
    }

    /**
     * Every spelling {@code spec.mode} accepts, for the CRD's schema: the current ones and those of the first release.
     * Kept apart from {@link ScalingMode} so that the controller's code knows one constant per mode.
     */
    public enum Spelling {
        @JsonProperty("Direct") DIRECT,
        @JsonProperty("ExternalMetrics") EXTERNAL_METRICS,
        @JsonProperty("KEDA") KEDA,
        @JsonProperty("DryRun") DRY_RUN,
        /** Deprecated spellings, still accepted. */
        @JsonProperty("direct") LEGACY_DIRECT,
        @JsonProperty("external-metrics") LEGACY_EXTERNAL_METRICS,
        @JsonProperty("keda") LEGACY_KEDA,
        @JsonProperty("dry-run") LEGACY_DRY_RUN
    }
}
