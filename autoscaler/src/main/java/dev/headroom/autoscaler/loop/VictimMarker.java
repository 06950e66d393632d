package dev.headroom.autoscaler.loop;

/**
 * Marks which replicas a scale-in removes first, just before the {@link DecisionLoop} writes the lower count: in
 * Kubernetes the {@code pod-deletion-cost} of the workload's pods ({@code PodDeletionCosts}), in the evaluation
 * the simulated cluster's victim order. It is told the count before and after; it knows the ranking (made by the
 * caller from the round's reports, {@link ScaleInRanking}). A failure to mark is a value in the marks, never
 * thrown: the scale-in goes ahead in the target's own order, and the decision says so.
 */
@FunctionalInterface
public interface VictimMarker {

    /** Marks nothing: the target removes replicas in its own order. */
    VictimMarker NONE = (target, from, to) -> ScaleInMarks.notMarked(ScaleInRanking.EMPTY, from - to,
            "no victim marking for this target");

    /** Marks the replicas of {@code target} before it goes from {@code from} to {@code to} (< {@code from}). */
    ScaleInMarks mark(ScaleTarget target, int from, int to);
}
