package dev.headroom.autoscaler.kubernetes;

/** Told of every decision as it is made, e.g. to update metrics. Must be quick and must not throw. */
@FunctionalInterface
public interface DecisionListener {

    void onDecision(WorkloadDecision decision);

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
