package dev.headroom.autoscaler.policy;

/** Which rate policy wins when several apply, as the HPA's {@code selectPolicy}. */
public enum SelectPolicy {
    /** The policy that allows the largest change (the HPA default). */
    MAX,
    /** The policy that allows the smallest change. */
    MIN,
    /** No change in this direction at all. */
    DISABLED
}
