package dev.headroom.agent.external;

import dev.headroom.autoscaler.policy.ScalingDecision;

import java.util.Optional;

/**
 * Which replica count of a decision is served as an external metric (on {@code external.metrics.k8s.io} and to
 * KEDA), under which name. Each is served as the value that makes an HPA with an {@code AverageValue} target of
 * {@value #TARGET_PER_REPLICA} arrive at that count ({@code ExternalMetricValue.forAverageValueTarget}).
 */
public enum ReplicaSignal {
    /**
     * The decision's {@code desired} count, after Headroom's stabilisation and rate limits: pair with an HPA whose
     * own behaviour is neutral (no scale-down window, permissive policies), so that Headroom stabilises once.
     */
    DESIRED("headroom_desired_replicas"),
    /**
     * The decision's {@code recommended} count, before stabilisation and rate limits: pair with an HPA that carries
     * the same behaviour as the {@code HeadroomPolicy}.
     */
    RECOMMENDED("headroom_recommended_replicas");

    /** The {@code averageValue} the HPA (or KEDA's {@code targetSize}) uses with these metrics: one per replica. */
    public static final long TARGET_PER_REPLICA = 1;

    /** {@link #TARGET_PER_REPLICA} in milli-units. */
    public static final long TARGET_MILLI_PER_REPLICA = TARGET_PER_REPLICA * 1000;

    private final String metricName;

    ReplicaSignal(String metricName) {
        this.metricName = metricName;
    }

    /** The external metric's name, e.g. {@code headroom_desired_replicas}. */
    public String metricName() {
        return metricName;
    }

    /** The count this signal takes from a decision. */
    public int replicas(ScalingDecision decision) {
        return this == DESIRED ? decision.desired() : decision.recommended();
    }

    /** The signal served under {@code metricName} exactly, empty for any other name. */
    public static Optional<ReplicaSignal> ofMetricName(String metricName) {
        for (ReplicaSignal s : values()) {
            if (s.metricName.equals(metricName)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /**
     * The signal named by a KEDA trigger's {@code metric} key: {@code desired} or {@code recommended}, or the
     * metric name itself.
     */
    public static Optional<ReplicaSignal> ofKey(String key) {
        for (ReplicaSignal s : values()) {
            if (s.name().equalsIgnoreCase(key)) {
                return Optional.of(s);
            }
        }
        return ofMetricName(key);
    }
}
