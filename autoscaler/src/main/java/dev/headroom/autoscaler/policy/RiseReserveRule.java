package dev.headroom.autoscaler.policy;

import dev.headroom.autoscaler.policy.LoadHistory.Point;
import dev.headroom.signals.Signal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;

/**
 * Keeps ready, above the load now, the rise the load has shown it can make within one {@link ReactionTime} (cold
 * start plus a decision interval): capacity asked for when the rise comes serves no sooner than that, so it must
 * be there before. Learned from the load's own history, not set per trace:
 *
 * <ul>
 *   <li>Over the last {@link #LOOKBACK}, each reading's <em>rise</em> is how far the load went above it, as a share
 *       of it, within one reaction time after it. Readings below {@value #FLOOR_SHARE} of the lookback's peak are
 *       left out (a rise from nearly nothing is a share without meaning; the burst hold covers troughs).</li>
 *   <li>The reserve is the second-largest rise (one absurd reading holds nothing), at most {@value #MAX_RISE}×.</li>
 *   <li>The summed load signal then proposes at least the replicas that {@code load × (1 + reserve)} needs, but
 *       never for more load than the lookback's second-highest reading: the reserve anticipates a rise the workload
 *       has made before, not one it never has.</li>
 * </ul>
 *
 * <p>Where the target is learned from the SLO ({@link SloCapacityRule}), the risen load is held at the learned
 * capacity, not at the target: the target's margin below the capacity already absorbs a rise up to it, so only a
 * rise larger than that margin keeps replicas, and only by what it exceeds it. Such a reserve is always on: it is
 * learned from the load's shape, before any objective is missed. A slow load (a diurnal day, a conversation's
 * drift) rises less within a reaction time than the margin and keeps nothing; steps and bursts keep their excess.
 * Once the workload's misses have spent the SLO's error budget (below), a rise at the capacity has proven too
 * close to the edge, and the risen load is held at the target instead.
 *
 * <p>A load signal without a learned capacity behind it (a target learned from an alarm) holds the risen load at
 * its target, and only once a workload's decisions over the {@link #LOOKBACK} found a latency objective exceeded (a
 * latency signal above its target) more often than the SLO's error budget allows: where the target's margin and the
 * forecast held the SLO, it would only cost. The budget is 1 − attainment (1 % by default) of a whole lookback's
 * decisions, not of those seen so far: misses early in the hour spend the hour's budget. A miss counts only where
 * the load one reaction time before it was read and was at least {@value #FLOOR_SHARE} of the peak: a rise from
 * nothing (a start, a workload woken from idle) is not one a reserve on the load could have met, and is what the
 * burst hold is for. A target set by hand gets no reserve: it carries the margin its author chose.
 *
 * <p>A load that changes slowly shows small rises within a cold start, and the reserve costs little; steps and
 * bursts show large ones, and the reserve is what lets a causal policy meet them at all. The first rise of a kind
 * is not foreseen: there is nothing yet to learn it from. The rule only raises a proposal
 * ({@link SignalOutcome#RESERVED_FOR_RISE}), so the HPA's scale-down window and Headroom's burst hold still apply.
 *
 * <p>Runs after {@link ForecastRule} and before {@link BurstRule}, on the summed load signals (not the alarms).
 * State: per signal the readings of the last {@link #LOOKBACK} (at most {@link Normalization#MAX_HISTORY}) and a
 * {@link ReactionTime}. Cost per decision: one pass over the readings with a sliding maximum.
 */
final class RiseReserveRule implements PolicyRule<RiseReserveRule.History> {

    /** How much of the load's history the rises are learned from. */
    static final Duration LOOKBACK = Duration.ofMinutes(60);
    /** Readings below this share of the lookback's peak do not count a rise. */
    static final double FLOOR_SHARE = 0.2;
    /** Readings the load is averaged over before rises are read from it. */
    static final int SMOOTHING = 4;
    /** The largest reserve, as a share of the load now. */
    static final double MAX_RISE = 1.5;


    /** One workload's load history and reaction time. */
    static final class History {
        private final ReactionTime reaction = new ReactionTime();
        /** Decisions within the lookback, and whether a latency objective was exceeded at each. */
        private final ArrayDeque<Instant> decisions = new ArrayDeque<>();
        private final ArrayDeque<Instant> misses = new ArrayDeque<>();
        private final java.util.EnumMap<Signal, ArrayDeque<Point>> series = new java.util.EnumMap<>(Signal.class);
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
        history.reaction.observe(context);
        double horizon = history.reaction.seconds(spec);
        Instant now = context.now();
        WorkloadSnapshot snapshot = context.snapshot();
        boolean foreseeable = false;
        for (SignalInput input : inputs) {
            if (!LoadHistory.isLoad(input)) {
                continue;
            }
            ArrayDeque<Point> points = history.series.computeIfAbsent(input.signal(), s -> new ArrayDeque<>());
            LoadHistory.append(points, input, snapshot, now, LOOKBACK);
            foreseeable |= foreseeable(points.toArray(new Point[0]), now, horizon);
        }
        boolean missed = false;
        for (SignalInput input : inputs) {
            missed |= input.signal().latency().isPresent() && input.ratio().isPresent()
                    && input.ratio().getAsDouble() > 1;
        }
        Instant since = now.minus(LOOKBACK);
        record(history.decisions, now, since);
        record(history.misses, missed && foreseeable ? now : null, since);
        // Only a workload that spent more of the lookback's decisions beyond a latency objective than the SLO's
        // error budget allows keeps a reserve: where the target's own margin has held, a reserve would only cost.
        double budget = 1 - spec.slo().map(SloSpec::attainment).orElse(SloSpec.DEFAULT_ATTAINMENT);
        double interval = history.reaction.intervalSeconds();
        double lookbackDecisions = Math.max(history.decisions.size(),
                interval > 0 ? LOOKBACK.toNanos() / 1e9 / interval : 0);
        boolean missedBeyondBudget = history.misses.size() > budget * lookbackDecisions;
        for (int i = 0; i < inputs.size(); i++) {
            SignalInput input = inputs.get(i);
            // A target set by hand carries the margin its author chose for the workload's rises; the reserve is
            // for the target learned from the SLO, which carries none beyond the SLO's own.
            if (!LoadHistory.isLoad(input) || !input.voted() || spec.targets().targets().containsKey(input.signal())) {
                continue;
            }
            // With the capacity learned from the SLO, the risen load is held at that capacity: the target's margin
            // already covers a rise up to it, and only what a past rise went beyond it is kept, always. Once the
            // misses have spent the error budget, or where no capacity stands behind the target, the risen load is
            // held at the target, margin and all.
            Optional<LearnedCapacity> learned = input.learned();
            if (learned.isEmpty() && !missedBeyondBudget) {
                continue;
            }
            Point[] p = history.series.get(input.signal()).toArray(new Point[0]);
            double load = input.workloadValue().getAsDouble();
            double ceiling = secondHighest(p);
            double reserved = Math.min(load * (1 + rise(p, horizon)), Math.max(load, ceiling));
            double perReplica = learned.isPresent() && !missedBeyondBudget ? learned.get().perReplica()
                    : input.target();
            int needed = ReplicaCalculator.ceilReplicas(reserved / perReplica);
            if (needed > input.proposedReplicas().getAsInt()) {
                inputs.set(i, input.proposing(Math.min(needed, spec.maxReplicas()), SignalOutcome.RESERVED_FOR_RISE));
            }
        }
    }

    /**
     * Whether a miss now is one a reserve could have met: the load one reaction time ago was read, and was at
     * least {@link #FLOOR_SHARE} of the lookback's peak, so the rise since is of the kind {@link #rise} learns.
     */
    static boolean foreseeable(Point[] p, Instant now, double horizonSeconds) {
        Instant then = now.minusNanos((long) (horizonSeconds * 1e9));
        Point before = null;
        for (Point x : p) {
            if (x.at().isAfter(then)) {
                break;
            }
            before = x;
        }
        return before != null && before.total() > 0 && before.total() >= FLOOR_SHARE * secondHighest(p);
    }

    /** Appends {@code at} (unless null) and drops what is older than {@code since}, bounded. */
    private static void record(ArrayDeque<Instant> q, Instant at, Instant since) {
        if (at != null) {
            q.addLast(at);
        }
        while (!q.isEmpty() && (q.size() > Normalization.MAX_HISTORY || q.peekFirst().isBefore(since))) {
            q.removeFirst();
        }
    }

    /**
     * The second-largest rise of the load within {@code horizonSeconds} after a reading, as a share of that
     * reading, over readings at or above {@link #FLOOR_SHARE} of the peak; at most {@link #MAX_RISE}.
     */
    static double rise(Point[] p, double horizonSeconds) {
        if (p.length < 3) {
            return 0;
        }
        // Smoothed over SMOOTHING readings: a rate read over a short window carries counting noise, and the
        // largest of many noisy differences is noise, not a rise.
        double[] s = new double[p.length];
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            sum += p[i].total();
            if (i >= SMOOTHING) {
                sum -= p[i - SMOOTHING].total();
            }
            s[i] = sum / Math.min(i + 1, SMOOTHING);
        }
        double floor = FLOOR_SHARE * secondHighest(p);
        double[] rises = new double[p.length];
        int n = 0;
        long horizon = (long) (horizonSeconds * 1e9);
        for (int i = 0; i < p.length; i++) {
            if (!(s[i] >= floor) || s[i] <= 0) {
                continue;
            }
            double highest = s[i];
            Instant until = p[i].at().plusNanos(horizon);
            for (int j = i + 1; j < p.length && !p[j].at().isAfter(until); j++) {
                highest = Math.max(highest, s[j]);
            }
            rises[n++] = (highest - s[i]) / s[i];
        }
        if (n < 3) {
            return 0;
        }
        double[] sorted = java.util.Arrays.copyOf(rises, n);
        java.util.Arrays.sort(sorted);
        // The second largest, less the median (what a load that does not move shows within a horizon).
        return Math.min(Math.max(0, sorted[n - 2] - sorted[n / 2]), MAX_RISE);
    }

    private static double secondHighest(Point[] p) {
        double first = 0;
        double second = 0;
        for (Point x : p) {
            if (x.total() > first) {
                second = first;
                first = x.total();
            } else if (x.total() > second) {
                second = x.total();
            }
        }
        return second;
    }
}
