package dev.headroom.evaluation;

import java.util.List;
import java.util.Objects;

/**
 * The oracle's account of itself: whether it is a reference for this scenario and, if not, why.
 *
 * @param feasible            the plan met the SLO's attainment target within {@code maxReplicas}
 * @param infeasibleBecause   each reason it did not, in words; empty when feasible
 * @param peakReplicas        the most replicas any interval needs, within {@code maxReplicas}
 * @param uncappedPeak        the most any interval needs, had there been no bound
 * @param cappedIntervals     intervals whose need exceeds {@code maxReplicas}: the cap binds there
 * @param intervals           control intervals planned
 * @param peakLoadPerReplica  requests/s per replica in the busiest interval at its need (NaN when not planned)
 * @param attainment          the plan's SLO attainment over the whole run (NaN when not run)
 * @param repairs             whole-run checks that added replicas after the per-interval search
 * @param simulations         window simulations the search ran
 * @param impossibleRequests  requests that miss the SLO even alone on an idle replica
 * @param impossibleReason    why those do, in words; empty when there are none
 * @param wallSeconds         time spent planning, checks included
 */
public record OracleSummary(boolean feasible, List<String> infeasibleBecause, int peakReplicas, int uncappedPeak,
        int cappedIntervals, int intervals, double peakLoadPerReplica, double attainment, int repairs,
        int simulations, int impossibleRequests, String impossibleReason, double wallSeconds) {

    /** For results made without an oracle. */
    public static final OracleSummary NOT_COMPUTED = new OracleSummary(false, List.of("no oracle was computed"), 0, 0,
            0, 0, Double.NaN, Double.NaN, 0, 0, 0, "", 0);

    public OracleSummary {
        infeasibleBecause = List.copyOf(infeasibleBecause);
        Objects.requireNonNull(impossibleReason, "impossibleReason");
        if (feasible != infeasibleBecause.isEmpty()) {
            throw new IllegalArgumentException("an oracle is feasible exactly when no reason says otherwise, was "
                    + feasible + " with " + infeasibleBecause);
        }
    }
}
