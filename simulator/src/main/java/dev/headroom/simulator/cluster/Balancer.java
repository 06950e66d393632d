package dev.headroom.simulator.cluster;

/**
 * How the cluster's load balancer picks a ready replica for each arriving request. Ties go to the lowest
 * replica id, so a run is deterministic.
 */
public enum Balancer {
    /** Fewest requests held (running + waiting): what a least-request proxy (Envoy, NGINX) does. */
    LEAST_REQUESTS,
    /**
     * Fewest waiting, then lowest KV-cache usage, then fewest running: what a KV-aware inference gateway does
     * (queue first, then cache).
     */
    KV_AWARE,
    /** Each ready replica in turn, whatever its load: a plain Kubernetes Service. */
    ROUND_ROBIN
}
