package dev.headroom.autoscaler.policy;

import dev.headroom.autoscaler.policy.LoadHistory.Point;
import dev.headroom.signals.SaturationTargets;
import dev.headroom.signals.Signal;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static dev.headroom.autoscaler.policy.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

/** {@link RiseReserveRule} on its own: the rise a load has made within a cold start is kept ready. */
class RiseReserveRuleTest {

    /**
     * A workload given its SLO: the {@code arrivals_ps} target (10 requests/s per replica here) is the one
     * {@link SloCapacityRule} learns, so it is not in the spec. No forecast, so a 120 s cold start is assumed until
     * one is seen.
     */
    private static final PolicySpec SLO = PolicySpec.forSlo(1, 20, SloSpec.perRequest(2, 0.1, 0.99));
    private static final Map<Signal, Double> LEARNED = Map.of(Signal.ARRIVALS_PS, 10.0);
    // The decisions below but those on a learned capacity carry a target without one (as a target learned from an
    // alarm): they keep a reserve only once misses beyond the SLO's error budget have shown the need.

    private final RiseReserveRule rule = new RiseReserveRule();
    private final RiseReserveRule.History state = rule.newState();
    private Instant now = T0;

    private SignalInput decide(int current, double arrivalsTotal) {
        return decide(current, arrivalsTotal, false);
    }

    /** One decision; {@code latencyMissed}: the TTFT objective was exceeded (p95 at 1.5 × its target). */
    private SignalInput decide(int current, double arrivalsTotal, boolean latencyMissed) {
        double[] perPod = new double[current];
        Arrays.fill(perPod, arrivalsTotal / current);
        WorkloadSnapshot snapshot = Fixtures.snapshot(now, Signal.ARRIVALS_PS, 0, 0, perPod);
        return decide(SLO, snapshot, current, latencyMissed);
    }

    private SignalInput decide(PolicySpec spec, WorkloadSnapshot snapshot, int current, boolean latencyMissed) {
        RuleContext context = new RuleContext(spec, snapshot, current, now);
        List<SignalInput> inputs = new ArrayList<>();
        LEARNED.forEach((signal, target) -> inputs.add(context.evaluate(signal, target)));
        if (latencyMissed) {
            inputs.add(ttftMissed(current));
        }
        rule.apply(context, state, inputs);
        now = now.plusSeconds(15);
        return inputs.get(0);
    }

    /**
     * One decision on the target {@link SloCapacityRule} would set: a learned capacity of 12.5 req/s per replica,
     * the target 10 (a 25 % margin below it).
     */
    private SignalInput decideOnLearnedCapacity(int current, double arrivalsTotal) {
        return decideOnLearnedCapacity(current, arrivalsTotal, false);
    }

    private SignalInput decideOnLearnedCapacity(int current, double arrivalsTotal, boolean latencyMissed) {
        WorkloadSnapshot snapshot = Fixtures.snapshot(now, Signal.ARRIVALS_PS, 0, 0, perPod(current, arrivalsTotal));
        RuleContext context = new RuleContext(SLO, snapshot, current, now);
        LearnedCapacity capacity = new LearnedCapacity(12.5, LearnedCapacity.SloTerm.ITL,
                LearnedCapacity.Confidence.CONFIDENT, 40, 10, 1000, 200, 0.08, 1.0, 20);
        List<SignalInput> inputs = new ArrayList<>();
        inputs.add(context.evaluate(Signal.ARRIVALS_PS, 10.0).withLearned(capacity));
        if (latencyMissed) {
            inputs.add(ttftMissed(current));
        }
        rule.apply(context, state, inputs);
        now = now.plusSeconds(15);
        return inputs.get(0);
    }

    @Test
    void onALearnedCapacityAStepBeyondTheMarginIsKeptReadyAtTheCapacityBeforeAnyMiss() {
        // 20 req/s, a step to 50, back to 20, and no objective ever missed: the step rose 150 %, far beyond the
        // target's 25 % margin, so its load is kept ready at the capacity (50 / 12.5 = 4), not at the target (5).
        SignalInput last = null;
        for (int t = 0; t < 60; t++) {
            last = decideOnLearnedCapacity(5, t >= 20 && t < 40 ? 50 : 20);
        }
        assertThat(last.outcome()).isEqualTo(SignalOutcome.RESERVED_FOR_RISE);
        assertThat(last.proposedReplicas()).hasValue(4);
    }

    @Test
    void onALearnedCapacityMissesBeyondTheBudgetHoldTheRisenLoadAtTheTarget() {
        // The same step, but TTFT missed for a minute as it rose: holding the step at the capacity has proven too
        // close to the edge, so it is held at the target (50 / 10 = 5).
        SignalInput last = null;
        for (int t = 0; t < 60; t++) {
            last = decideOnLearnedCapacity(5, t >= 20 && t < 40 ? 50 : 20, t >= 21 && t <= 24);
        }
        assertThat(last.outcome()).isEqualTo(SignalOutcome.RESERVED_FOR_RISE);
        assertThat(last.proposedReplicas()).hasValue(5);
    }

    @Test
    void onALearnedCapacityARiseWithinTheMarginKeepsNothing() {
        // A load that drifts between 20 and 23 req/s within a reaction time: 15 %, less than the 25 % margin the
        // target already keeps below the capacity.
        SignalInput last = null;
        for (int t = 0; t < 90; t++) {
            last = decideOnLearnedCapacity(2, t % 20 < 10 ? 20 : 23);
        }
        assertThat(last.workloadValue()).hasValue(20);
        assertThat(last.outcome()).as("%s", last).isNotEqualTo(SignalOutcome.RESERVED_FOR_RISE);
        assertThat(last.proposedReplicas()).as("%s", last).hasValue(2);
    }

    /** The TTFT objective exceeded: p95 at 1.5 × its target. */
    private static SignalInput ttftMissed(int current) {
        return new SignalInput(Signal.TTFT_P95, Aggregation.of(Signal.TTFT_P95), 2.0, java.util.OptionalDouble.of(3.0),
                java.util.OptionalDouble.of(3.0), java.util.OptionalDouble.of(1.5),
                java.util.OptionalInt.of(current + 1), current, SignalOutcome.STEPPED);
    }

    @Test
    void aLoadThatHasSteppedUpWithinAColdStartBeforeKeepsThatStepReady() {
        // 20 req/s for 5 min, a step to 50 for 5 min, back to 20 for 5 min: the step rose 150 % in one interval,
        // and TTFT missed its objective for a minute as it did (4 decisions: beyond 1 % of an hour's 240).
        SignalInput last = null;
        for (int t = 0; t < 60; t++) {
            last = decide(5, t >= 20 && t < 40 ? 50 : 20, t >= 21 && t <= 24);
        }
        // At 20 req/s the reading alone asks for 2; the reserve keeps what the step needed, never beyond it.
        assertThat(last.outcome()).isEqualTo(SignalOutcome.RESERVED_FOR_RISE);
        assertThat(last.proposedReplicas().getAsInt()).isBetween(4, 5);
    }

    @Test
    void whereTheLatencyObjectivesHeldTheSameStepKeepsNoReserve() {
        SignalInput last = null;
        for (int t = 0; t < 60; t++) {
            last = decide(5, t >= 20 && t < 40 ? 50 : 20);
        }
        assertThat(last.outcome()).isNotEqualTo(SignalOutcome.RESERVED_FOR_RISE);
        assertThat(last.proposedReplicas().getAsInt()).isLessThanOrEqualTo(2);
    }

    @Test
    void missesBeforeTheLoadHasBeenReadForAReactionTimeKeepNoReserve() {
        // TTFT missed for the first 2 minutes of following the workload (a start: no load was read a reaction
        // time (the assumed 120 s cold start plus 15 s) before), then the same step as above met its objective.
        SignalInput last = null;
        for (int t = 0; t < 60; t++) {
            last = decide(5, t >= 20 && t < 40 ? 50 : 20, t >= 1 && t <= 8);
        }
        assertThat(last.outcome()).isNotEqualTo(SignalOutcome.RESERVED_FOR_RISE);
        assertThat(last.proposedReplicas().getAsInt()).isLessThanOrEqualTo(2);
    }

    @Test
    void aTargetSetByHandKeepsNoReserve() {
        PolicySpec byHand = SLO.withTargets(new SaturationTargets(LEARNED));
        SignalInput last = null;
        for (int t = 0; t < 60; t++) {
            int load = t >= 20 && t < 40 ? 50 : 20;
            last = decide(byHand, Fixtures.snapshot(now, Signal.ARRIVALS_PS, 0, 0, perPod(5, load)), 5,
                    t >= 21 && t <= 24);
        }
        assertThat(last.outcome()).isNotEqualTo(SignalOutcome.RESERVED_FOR_RISE);
        assertThat(last.proposedReplicas().getAsInt()).isLessThanOrEqualTo(2);
    }

    private static double[] perPod(int current, double total) {
        double[] perPod = new double[current];
        Arrays.fill(perPod, total / current);
        return perPod;
    }

    @Test
    void twoMissedDecisionsInAnHourAreWithinTheBudgetOfTheHoursDecisions() {
        // 2 of the 240 decisions an hour at 15 s holds: within 1 %, even while only 60 have been seen.
        SignalInput last = null;
        for (int t = 0; t < 60; t++) {
            last = decide(5, t >= 20 && t < 40 ? 50 : 20, t == 21 || t == 22);
        }
        assertThat(last.outcome()).isNotEqualTo(SignalOutcome.RESERVED_FOR_RISE);
    }

    @Test
    void latencyMissedWithinTheSlosErrorBudgetKeepsNoReserve() {
        // The same step, once an hour's decisions (240) are in and only one of them missed: within 1 %.
        SignalInput last = null;
        for (int t = 0; t < 240; t++) {
            last = decide(5, t % 60 >= 20 && t % 60 < 40 ? 50 : 20, t == 201);
        }
        assertThat(last.outcome()).isNotEqualTo(SignalOutcome.RESERVED_FOR_RISE);
    }

    @Test
    void aSteadyLoadKeepsNoReserveAndNothingIsReservedBeyondTheHighestLoadSeen() {
        SignalInput last = null;
        for (int t = 0; t < 60; t++) {
            last = decide(3, 30 + (t % 2 == 0 ? 0.5 : -0.5), t >= 10 && t <= 13);
        }
        assertThat(last.outcome()).isNotEqualTo(SignalOutcome.RESERVED_FOR_RISE);
        assertThat(last.proposedReplicas()).hasValue(3);
    }

    @Test
    void oneSpikeReservesNothing() {
        for (int t = 0; t < 30; t++) {
            decide(3, 20, t >= 10 && t <= 13);
        }
        decide(3, 1e5);
        SignalInput after = null;
        for (int t = 0; t < 3; t++) {
            after = decide(3, 20);
        }
        assertThat(after.outcome()).as("%s", after).isNotEqualTo(SignalOutcome.RESERVED_FOR_RISE);
        assertThat(after.proposedReplicas().getAsInt()).as("%s", after).isLessThanOrEqualTo(3);
    }

    @Test
    void theRiseIsReadFromTheSmoothedLoadAndCapped() {
        Point[] flat = new Point[40];
        Point[] stepped = new Point[40];
        for (int i = 0; i < 40; i++) {
            flat[i] = new Point(T0.plusSeconds(15L * i), 10 + (i % 2));
            stepped[i] = new Point(T0.plusSeconds(15L * i), (i / 10) % 2 == 0 ? 2 : 20);
        }
        assertThat(RiseReserveRule.rise(flat, 105)).isLessThan(0.1);
        assertThat(RiseReserveRule.rise(stepped, 105)).isEqualTo(RiseReserveRule.MAX_RISE);
    }
}
