package dev.headroom.autoscaler.policy;

/**
 * Why a decision came out as it did; one per decision. Written as {@link #value()} in the status, Events and decisions,
 * lower-cased as a metric label.
 */
public enum DecisionReason {
    /** More replicas: some signal is above its target beyond the tolerance. */
    SCALE_UP,
    /** Fewer replicas: every signal is below its target beyond the tolerance, and every ready pod reported. */
    SCALE_DOWN,
    /** No change: the usage ratios are within the tolerance (or the change would flip direction). */
    WITHIN_TOLERANCE,
    /** No scale-down: some ready pod's data is missing or stale. */
    HELD_MISSING_DATA,
    /** No change: no targeted signal has a value from any ready pod. */
    HELD_NO_DATA,
    /** The change was cut by a rate policy (or a direction is disabled). */
    LIMITED_BY_RATE,
    /** A stabilisation window kept an earlier recommendation. */
    STABILISED,
    /** Held at or brought up to {@code minReplicas}. */
    AT_MIN,
    /** Held at or brought down to {@code maxReplicas}. */
    AT_MAX,
    /** The target has 0 replicas while {@code minReplicas} &gt; 0: someone scaled it to zero; left alone. */
    SCALING_DISABLED;

    /**
     * The reason as the controller writes it into a {@code HeadroomPolicy}'s status, its Events and its decisions:
     * UpperCamelCase, as Kubernetes' own reasons ({@code ScaleUp}, {@code HeldMissingData}).
     */
    public String value() {
        return UpperCamelCase.of(this);
    }
}
