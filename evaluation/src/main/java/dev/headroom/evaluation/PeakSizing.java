package dev.headroom.evaluation;

import dev.headroom.simulator.SimRequest;
import dev.headroom.simulator.capacity.CapacityEstimator;
import dev.headroom.simulator.capacity.WorkloadShape;
import dev.headroom.simulator.cluster.ClusterConfig;
import dev.headroom.simulator.trace.Replay;

import java.util.List;
import java.util.Locale;
import java.util.function.DoubleFunction;

/**
 * Sizes a scenario by replicas: the peak rate (over the scenario's peak window) at which the oracle's busiest
 * interval needs {@code N} replicas. A peak in requests/s ignores the mix: 70 req/s needs four replicas of
 * conversation turns and dozens of 12,000-token prompts. The replicas needed are what makes a scenario hard
 * for a scaler, so they are what the default fixes.
 *
 * <p>The search is over the peak rate {@code r}, the knob both rate scalings take. For each candidate the
 * replay is rebuilt (superposition is seeded, so each rate gives one fixed set of requests) and the need of
 * its busiest intervals (four by arrivals, two by prompt tokens) is searched as the oracle does, each
 * interval alone ({@code OraclePlan.peakNeed}). It starts at {@code N ×} the sustainable rate
 * {@link CapacityEstimator} gives for the mix's mean lengths, steps by ×{@value #STEP} until the answer is
 * bracketed, then bisects {@value #BISECTIONS} times for the largest rate whose peak needs at most N: the
 * busiest interval then fills N replicas. At most {@value #MAX_BRACKET} + {@value #BISECTIONS} evaluations.
 * The full plan's peak can differ by one from N (carry-over across intervals, which the candidates see only
 * in their windows); the report gives both.
 */
final class PeakSizing {

    static final double STEP = 1.4;
    static final int MAX_BRACKET = 10;
    static final int BISECTIONS = 5;

    /**
     * @param rate            the chosen peak rate, requests/s over the peak window
     * @param replay          the replay at that rate
     * @param peakNeed        what its busiest intervals need
     * @param evaluations     peak-need searches run
     */
    record Sized(double rate, Replay replay, int peakNeed, int evaluations) {
    }

    private PeakSizing() {
    }

    static Sized size(DoubleFunction<Replay> replayAt, ClusterConfig cluster, Slo slo, int replicas) {
        Replay probe = replayAt.apply(1.0);
        List<SimRequest> mix = probe.requests();
        if (mix.isEmpty()) {
            throw new IllegalArgumentException("the trace has no requests in the chosen window to size a scenario with"
                    + (probe.droppedEmpty() > 0 ? String.format(Locale.ROOT, " (%,d rows with 0 prompt or 0 output"
                    + " tokens were left out: nothing to serve or to time)", probe.droppedEmpty()) : ""));
        }
        double prompt = 0;
        double output = 0;
        for (SimRequest r : mix) {
            prompt += r.promptTokens();
            output += r.outputTokens();
        }
        double sustainable = CapacityEstimator.estimate(cluster.engine(),
                new WorkloadShape(Math.max(1, prompt / mix.size()), Math.max(1, output / mix.size())))
                .requestsPerSecond();
        double r = Math.max(0.05, replicas * sustainable);
        double lo = Double.NaN;
        double hi = Double.NaN;
        Replay loReplay = null;
        int loNeed = 0;
        int evaluations = 0;
        SloFeasibility feasibility = null;
        for (int i = 0; i < MAX_BRACKET && (Double.isNaN(lo) || Double.isNaN(hi)); i++) {
            Replay replay = replayAt.apply(r);
            if (feasibility == null) {
                feasibility = SloFeasibility.check(replay.requests(), cluster, slo);
            }
            int need = OraclePlan.peakNeed(replay.requests(), cluster, slo, feasibility);
            evaluations++;
            if (need <= replicas) {
                lo = r;
                loReplay = replay;
                loNeed = need;
                r *= STEP;
            } else {
                hi = r;
                r /= STEP;
            }
        }
        if (Double.isNaN(lo)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "cannot size the scenario for a peak of %d"
                    + " replicas: even at a peak of %.3g req/s the busiest interval needs more", replicas, hi));
        }
        if (Double.isNaN(hi)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "cannot size the scenario for a peak of %d"
                    + " replicas: at a peak of %.3g req/s the busiest interval still needs only %d", replicas, lo,
                    loNeed));
        }
        for (int i = 0; i < BISECTIONS; i++) {
            double mid = Math.sqrt(lo * hi);
            Replay replay = replayAt.apply(mid);
            int need = OraclePlan.peakNeed(replay.requests(), cluster, slo, feasibility);
            evaluations++;
            if (need <= replicas) {
                lo = mid;
                loReplay = replay;
                loNeed = need;
            } else {
                hi = mid;
            }
        }
        return new Sized(lo, loReplay, loNeed, evaluations);
    }
}
