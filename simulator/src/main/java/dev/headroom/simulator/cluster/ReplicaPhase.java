package dev.headroom.simulator.cluster;

/** Where a replica is in its life. */
public enum ReplicaPhase {
    /** Requested and billed, loading weights: takes no requests and has no {@code /metrics} yet. */
    STARTING,
    /** Serving: the balancer sends it requests. */
    READY,
    /** Scaled away: takes no new requests, finishes those it holds, then stops. Still billed. */
    DRAINING,
    /** Gone; billing stopped. */
    STOPPED
}
