package dev.headroom.autoscaler.policy;

/**
 * Turns a workload's aggregated signals into a replica count. Implementations keep what they must remember
 * per workload (recommendations, recent scale events), bounded, and take time from an injected clock.
 */
public interface ScalingPolicy {

    /**
     * Decides the replica count of {@code workload} now.
     *
     * @param workload        a stable key, e.g. {@code namespace/name}
     * @param spec            its limits, targets and behaviour
     * @param currentReplicas the replicas its scale subresource has now
     * @param snapshot        its pods' reports, aggregated
     */
    ScalingDecision decide(String workload, PolicySpec spec, int currentReplicas, WorkloadSnapshot snapshot);

    /**
     * Records that the target was actually scaled from {@code from} to {@code to}, so that rate policies count
     * it; call after the scale succeeded (a dry run or a failed patch records nothing), as the HPA stores a
     * scale event only after a successful update.
     */
    void recordScale(String workload, PolicySpec spec, int from, int to);

    /** Drops everything remembered about {@code workload} (it was deleted). */
    void forget(String workload);
}
