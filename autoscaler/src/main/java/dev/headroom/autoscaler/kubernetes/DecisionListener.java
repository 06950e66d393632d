package dev.headroom.autoscaler.kubernetes;

import dev.headroom.autoscaler.policy.ReplicaReport;

import java.time.Instant;
import java.util.List;

/** Told of every decision as it is made, e.g. to update metrics. Must be quick and must not throw. */
@FunctionalInterface
public interface DecisionListener {

    void onDecision(WorkloadDecision decision);

    /**
     * The pods' reports a decision of {@code key} at {@code at} is about to be made from (before
     * {@link #onDecision}): e.g. to measure how old the newest data of each pod is when it is used.
     */
    default void onReports(WorkloadKey key, Instant at, List<ReplicaReport> reports) {
    }

    /** The workload's policy was deleted. */
    default void onForget(WorkloadKey key) {
    }

    /** A round of the workload failed with an unexpected {@link Throwable} (already logged). */
    default void onFailure(WorkloadKey key, Throwable failure) {
    }

    /** A tick failed with an unexpected {@link Throwable} outside any one workload's round (already logged). */
    default void onTickFailure(Throwable failure) {
    }

    DecisionListener NONE = d -> { };
}
