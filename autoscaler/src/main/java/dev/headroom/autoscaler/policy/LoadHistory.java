package dev.headroom.autoscaler.policy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;

/**
 * A summed load signal's workload totals over time, as the rules that learn from the load's own history
 * ({@link BurstRule}, {@link RiseReserveRule}) keep them: one reading per decision, only when every ready pod
 * reported fresh data (a total over some of the pods is not the workload's load), bounded by a lookback and by
 * {@link Normalization#MAX_HISTORY}.
 */
final class LoadHistory {

    /** One decision's workload total of a load signal. */
    record Point(Instant at, double total) {
    }

    private LoadHistory() {
    }

    /** A load signal summed over the workload with a value: the kind whose history these rules read. */
    static boolean isLoad(SignalInput input) {
        return !ScaleDownVoting.isAlarm(input.signal()) && input.aggregation() == Aggregation.SUM
                && input.workloadValue().isPresent();
    }

    /** Appends {@code input}'s total at {@code now} when the whole workload reported it, and drops the old. */
    static void append(ArrayDeque<Point> points, SignalInput input, WorkloadSnapshot snapshot, Instant now,
                       Duration lookback) {
        if (snapshot.complete(input.reporting())
                && (points.isEmpty() || now.isAfter(points.peekLast().at()))) {
            points.addLast(new Point(now, input.workloadValue().getAsDouble()));
            Instant cutoff = now.minus(lookback);
            while (points.size() > Normalization.MAX_HISTORY || points.peekFirst().at().isBefore(cutoff)) {
                points.removeFirst();
            }
        }
    }
}
