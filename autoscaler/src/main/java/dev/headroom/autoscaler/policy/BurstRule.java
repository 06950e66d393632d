package dev.headroom.autoscaler.policy;

import dev.headroom.autoscaler.policy.LoadHistory.Point;
import dev.headroom.signals.Signal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps the capacity a recurring burst will need back before a replica released now could be ready again. A
 * summed load signal that asks for fewer replicas is held at the fewest that the load's recent peak needs
 * (never more than the current count: this rule only vetoes a scale-down, {@link SignalOutcome#HELD_FOR_BURST}),
 * where "recent" is learned from the load's own history rather than set per trace:
 *
 * <ul>
 *   <li><b>The cold start</b>, from the workload itself: how long the pods that a scale-up added stayed not
 *       ready (median of the last few episodes; before the first, the spec's forecast lead time, or
 *       {@link #DEFAULT_COLD_START}); plus one decision interval (the median gap between decisions). A replica
 *       released now is back no sooner than that, so a peak within it is always kept.</li>
 *   <li><b>The burst period</b>: over the last {@link #LOOKBACK}, the load's rises through the middle of its
 *       range (with hysteresis between 40 % and 60 % of the way from its 10th to its 90th percentile, which must be
 *       more than {@value #CYCLE_SWING}× apart). When
 *       rises recur, with a median period of at most {@value #MAX_CYCLE_COLD_STARTS} cold starts, the load
 *       is bursting faster than a reactive policy can follow, and the peak of the last period (×1.25) is kept
 *       through its troughs. A slower cycle is left to the forecast and to scaling down in the trough.</li>
 * </ul>
 *
 * <p>The peak is the second-highest reading in the horizon: one absurd reading holds nothing. It is the
 * scale-down stabilisation window of the HPA, but on the load rather than the recommendations, and with a
 * length the workload teaches. The {@link PolicyRule} interface expresses the veto as it is: an input raised to
 * at most the current count, which the maximum over the inputs then keeps.
 *
 * <p>Runs last of Headroom's rules, on the inputs the others left (a learned target included). State: per signal
 * the readings of the last {@link #LOOKBACK} (at most {@link Normalization#MAX_HISTORY}), and a few cold-start
 * and interval samples.
 */
final class BurstRule implements PolicyRule<BurstRule.History> {

    /** The cold start assumed before one has been seen and when the spec has no forecast lead. */
    static final Duration DEFAULT_COLD_START = ReactionTime.DEFAULT_COLD_START;
    /** How much of the load's history is kept and searched for a cycle. */
    static final Duration LOOKBACK = Duration.ofMinutes(30);
    /** A cycle at most this many cold starts (plus an interval) long counts as a burst no reaction can follow. */
    static final int MAX_CYCLE_COLD_STARTS = 4;

    /**
     * A load whose 90th percentile is at most this many times its 10th is not bursting: the swings of a day's
     * traffic over half an hour (×2 at most on recorded conversation traffic) are the forecast's part.
     */
    static final double CYCLE_SWING = 3.0;


    /** One workload's load history and what it has taught. */
    static final class History {
        private final Map<Signal, ArrayDeque<Point>> series = new EnumMap<>(Signal.class);
        private final ReactionTime reaction = new ReactionTime();

        /** Cold start plus one decision interval, seconds. */
        double horizonSeconds(PolicySpec spec) {
            return reaction.seconds(spec);
        }

        /** The readings kept for {@code signal} (for tests and diagnostics). */
        ArrayDeque<Point> series(Signal signal) {
            return series.getOrDefault(signal, new ArrayDeque<>());
        }
    }

    @Override
    public History newState() {
        return new History();
    }

    @Override
    public void apply(RuleContext context, History history, List<SignalInput> inputs) {
        PolicySpec spec = context.spec();
        if (spec.scaleDownVoting() != ScaleDownVoting.LOAD_SIGNALS) {
            return;
        }
        Instant now = context.now();
        WorkloadSnapshot snapshot = context.snapshot();
        history.reaction.observe(context);
        double horizon = history.horizonSeconds(spec);
        for (int i = 0; i < inputs.size(); i++) {
            SignalInput input = inputs.get(i);
            if (!LoadHistory.isLoad(input)) {
                continue;
            }
            ArrayDeque<Point> points = history.series.computeIfAbsent(input.signal(), s -> new ArrayDeque<>());
            LoadHistory.append(points, input, snapshot, now, LOOKBACK);
            int current = context.currentReplicas();
            if (!input.voted() || input.proposedReplicas().getAsInt() >= current) {
                continue;
            }
            double hold = horizon;
            double period = period(points);
            if (period > 0 && period <= MAX_CYCLE_COLD_STARTS * horizon) {
                hold = Math.max(hold, 1.25 * period);
            }
            double peak = secondHighest(points, now.minusNanos((long) (hold * 1e9)));
            int needed = Math.min(current, ReplicaCalculator.ceilReplicas(peak / input.target()));
            if (needed > input.proposedReplicas().getAsInt()) {
                inputs.set(i, input.proposing(needed, SignalOutcome.HELD_FOR_BURST));
            }
        }
    }

    /**
     * The median time between the load's rises through the middle of its range, seconds; 0 with fewer than three
     * rises or a load that barely varies.
     */
    static double period(ArrayDeque<Point> points) {
        if (points.size() < 8) {
            return 0;
        }
        double[] v = points.stream().mapToDouble(Point::total).toArray();
        double[] sorted = v.clone();
        Arrays.sort(sorted);
        double lo = sorted[(int) (0.1 * (sorted.length - 1))];
        double hi = sorted[(int) Math.ceil(0.9 * (sorted.length - 1))];
        if (!(hi > CYCLE_SWING * lo + 1e-9)) {
            return 0;
        }
        double up = lo + 0.6 * (hi - lo);
        double down = lo + 0.4 * (hi - lo);
        List<Instant> rises = new ArrayList<>();
        boolean high = v[0] >= up;
        for (Point p : points) {
            if (!high && p.total() >= up) {
                high = true;
                rises.add(p.at());
            } else if (high && p.total() <= down) {
                high = false;
            }
        }
        if (rises.size() < 3) {
            return 0;
        }
        ArrayDeque<Double> gaps = new ArrayDeque<>();
        for (int i = 1; i < rises.size(); i++) {
            gaps.add(Duration.between(rises.get(i - 1), rises.get(i)).toNanos() / 1e9);
        }
        return median(gaps);
    }

    private static double secondHighest(ArrayDeque<Point> points, Instant since) {
        double first = 0;
        double second = 0;
        for (Point p : points) {
            if (p.at().isBefore(since)) {
                continue;
            }
            if (p.total() > first) {
                second = first;
                first = p.total();
            } else if (p.total() > second) {
                second = p.total();
            }
        }
        return second;
    }

    private static double median(ArrayDeque<Double> q) {
        return SloCapacityModel.median(q.stream().mapToDouble(Double::doubleValue).toArray());
    }
}
