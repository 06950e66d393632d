package dev.headroom.simulator.cluster;

import java.util.List;

/**
 * What a controller can know about the cluster at one tick. Valid only during the call that received it.
 */
public interface ClusterView {

    /** Virtual seconds since the run started. */
    double nowSeconds();

    /** Replicas asked for and not scaled away (starting + ready): the scale subresource's current replicas. */
    int currentReplicas();

    /** Replicas serving now. */
    int readyReplicas();

    /**
     * Requests that arrived since the previous control tick, per second: the offered load, as an ingress or
     * gateway metric would show it (an engine cannot).
     */
    double arrivalRate();

    /** Requests held at the balancer because no replica is ready. */
    int pendingRequests();

    /** Starting and ready replicas, by id (draining ones are already out of the workload, as terminating pods). */
    List<ReplicaView> replicas();
}
