package dev.headroom.simulator.cluster;

import java.util.List;

/**
 * The cluster at one control tick, taken before the controller's answer is applied.
 *
 * @param arrivalRate     requests/s that arrived since the previous tick (offered load)
 * @param desired         the controller's answer at this tick, clamped
 * @param ready           replicas serving
 * @param starting        replicas loading
 * @param draining        replicas finishing their last requests
 * @param pending         requests held at the balancer (no replica ready)
 * @param replicas        every replica not stopped, by id
 */
public record ClusterSample(double timeSeconds, double arrivalRate, int desired, int ready, int starting,
        int draining, int pending, List<ReplicaSample> replicas) {

    public ClusterSample {
        replicas = List.copyOf(replicas);
    }
}
