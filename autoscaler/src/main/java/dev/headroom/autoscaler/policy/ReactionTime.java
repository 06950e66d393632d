package dev.headroom.autoscaler.policy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;

/**
 * How long the workload takes to answer a change of load with capacity, learned from the workload itself: its
 * cold start (how long the pods a scale-up added stayed not ready, median of the last few episodes; before the
 * first, the spec's forecast lead time, or {@link #DEFAULT_COLD_START}) plus one decision interval (the median
 * gap between decisions). A replica asked for now serves no sooner; one released now is back no sooner. Not
 * thread-safe: the policy holds the workload's lock. State: a few samples of each.
 */
final class ReactionTime {

    /** The cold start assumed before one has been seen and when the spec has no forecast lead. */
    static final Duration DEFAULT_COLD_START = Duration.ofSeconds(120);
    private static final int KEPT = 7;

    private final ArrayDeque<Double> coldStarts = new ArrayDeque<>();
    private final ArrayDeque<Double> intervals = new ArrayDeque<>();
    private Instant lastDecision;
    private Instant startingSince;

    /** Learns from one decision: the gap since the last, and the end of a not-ready episode. */
    void observe(RuleContext context) {
        Instant now = context.now();
        if (lastDecision != null && now.isAfter(lastDecision)) {
            add(intervals, Duration.between(lastDecision, now).toNanos() / 1e9);
        }
        lastDecision = now;
        int notReady = context.snapshot().notReady();
        if (startingSince == null && notReady > 0) {
            startingSince = now;
        } else if (startingSince != null && notReady == 0) {
            add(coldStarts, Duration.between(startingSince, now).toNanos() / 1e9);
            startingSince = null;
        }
    }

    /** Cold start plus one decision interval, seconds. */
    double seconds(PolicySpec spec) {
        double cold = coldStarts.isEmpty()
                ? (spec.forecast().enabled() ? spec.forecast().leadTime() : DEFAULT_COLD_START).toNanos() / 1e9
                : median(coldStarts);
        return cold + intervalSeconds();
    }

    /** The median gap between decisions, seconds; 0 before two decisions. */
    double intervalSeconds() {
        return intervals.isEmpty() ? 0 : median(intervals);
    }

    private static void add(ArrayDeque<Double> q, double v) {
        q.addLast(v);
        while (q.size() > KEPT) {
            q.removeFirst();
        }
    }

    private static double median(ArrayDeque<Double> q) {
        return SloCapacityModel.median(q.stream().mapToDouble(Double::doubleValue).toArray());
    }
}
