package dev.headroom.autoscaler.policy;

/** How one pod counts in a workload's aggregation. */
public enum ReplicaState {
    /** Ready, and its signals are fresh: its values count. */
    READY_FRESH,
    /** Ready, but its signals are missing or stale: never idle, and it blocks any scale-down. */
    READY_MISSING,
    /** Not ready yet (loading weights, or started within the last 30 s): capacity on its way. */
    NOT_READY
}
