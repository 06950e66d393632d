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

    /**
     * A tick ended: it started at {@code started} and ended at {@code ended} by the controller's clock, after
     * deciding {@code workloads} workloads (e.g. to measure how long a tick takes against its interval).
     */
    default void onTick(Instant started, Instant ended, int workloads) {
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

    /** Tells {@code first}, then {@code second}, of everything: e.g. the meters and a benchmark's probe. */
    static DecisionListener both(DecisionListener first, DecisionListener second) {
        java.util.Objects.requireNonNull(first, "first");
        java.util.Objects.requireNonNull(second, "second");
        return new DecisionListener() {
            @Override
            public void onDecision(WorkloadDecision decision) {
                first.onDecision(decision);
                second.onDecision(decision);
            }

            @Override
            public void onReports(WorkloadKey key, Instant at, List<ReplicaReport> reports) {
                first.onReports(key, at, reports);
                second.onReports(key, at, reports);
            }

            @Override
            public void onTick(Instant started, Instant ended, int workloads) {
                first.onTick(started, ended, workloads);
                second.onTick(started, ended, workloads);
            }

            @Override
            public void onForget(WorkloadKey key) {
                first.onForget(key);
                second.onForget(key);
            }

            @Override
            public void onFailure(WorkloadKey key, Throwable failure) {
                first.onFailure(key, failure);
                second.onFailure(key, failure);
            }

            @Override
            public void onTickFailure(Throwable failure) {
                first.onTickFailure(failure);
                second.onTickFailure(failure);
            }
        };
    }
}
