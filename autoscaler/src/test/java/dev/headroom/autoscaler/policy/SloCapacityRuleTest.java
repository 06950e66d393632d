package dev.headroom.autoscaler.policy;

import dev.headroom.signals.SaturationTargets;
import dev.headroom.signals.Signal;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.headroom.autoscaler.policy.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * {@link SloCapacityRule} on its own, fed decision by decision from a {@link SyntheticEngine} whose SLO capacity
 * is known in closed form: it converges on a conversation-like and a prefill-heavy load, recovers from a wrong
 * start, ignores a one-sample spike and never scales down on an unproven estimate.
 */
class SloCapacityRuleTest {

    private static final SloSpec SLO = SloSpec.perRequest(2.0, 0.1, 0.99);
    private static final PolicySpec SPEC = PolicySpec.forSlo(1, 64, SLO);
    /** ~1,150 prompt / 210 output tokens; the batch (160) fills before the ITL objective is reached. */
    private static final SyntheticEngine CONVERSATION = new SyntheticEngine(0.008, 1.5e-4, 1e-5, 0.2, 160, 1150,
            210);
    /** ~2,000 prompt / 30 output tokens: prefill beside every decode step sets the ITL limit. */
    private static final SyntheticEngine PREFILL_HEAVY = new SyntheticEngine(0.008, 1.5e-4, 1e-5, 0.2, 256, 2000,
            30);

    private final SloCapacityRule rule = new SloCapacityRule();
    private final SloCapacityModel state = rule.newState();
    private Instant now = T0;

    private SignalInput decide(WorkloadSnapshot snapshot, int current) {
        RuleContext context = new RuleContext(SPEC, snapshot, current, now);
        List<SignalInput> inputs = new ArrayList<>();
        SPEC.targets().targets().forEach((signal, target) -> inputs.add(context.evaluate(signal, target)));
        rule.apply(context, state, inputs);
        now = now.plusSeconds(15);
        return inputs.stream().filter(i -> i.signal() == Signal.ARRIVALS_PS).findFirst().orElse(null);
    }

    /** {@code decisions} decisions on 4 replicas whose load swings between {@code low} and {@code high} × capacity. */
    private SignalInput run(SyntheticEngine engine, int decisions, double low, double high) {
        double capacity = engine.capacity(SLO.itlSeconds());
        SignalInput last = null;
        for (int t = 0; t < decisions; t++) {
            double share = low + (high - low) * (0.5 + 0.5 * Math.sin(2 * Math.PI * t / 40.0));
            last = decide(engine.snapshot(now, 4, share * capacity), 4);
        }
        return last;
    }

    private static LearnedCapacity learned(SignalInput input) {
        return input.learned().orElseThrow();
    }

    @Test
    void onAConversationLikeLoadTheLearnedCapacityConvergesOnTheFullBatch() {
        double truth = CONVERSATION.capacity(SLO.itlSeconds());
        assertThat(CONVERSATION.batchLimit()).as("the batch binds first").isLessThan(CONVERSATION.itlLimit(0.1));

        LearnedCapacity c = learned(run(CONVERSATION, 160, 0.5, 1.15));

        assertThat(c.perReplica()).isCloseTo(truth, within(0.10 * truth));
        assertThat(c.binding()).isIn(LearnedCapacity.SloTerm.SATURATION, LearnedCapacity.SloTerm.EVIDENCE);
        assertThat(c.confidence()).isEqualTo(LearnedCapacity.Confidence.CONFIDENT);
        assertThat(c.promptTokens()).isCloseTo(1150, within(1.0));
        assertThat(c.outputTokens()).isCloseTo(210, within(1.0));
    }

    @Test
    void onAPrefillHeavyLoadTheItlObjectiveBindsAndTheCapacityConverges() {
        double truth = PREFILL_HEAVY.capacity(SLO.itlSeconds());
        assertThat(truth).as("ITL-bound").isCloseTo(PREFILL_HEAVY.itlLimit(0.1), within(1e-9));

        LearnedCapacity c = learned(run(PREFILL_HEAVY, 160, 0.4, 1.0));

        assertThat(c.perReplica()).isCloseTo(truth, within(0.10 * truth));
        assertThat(c.binding()).isIn(LearnedCapacity.SloTerm.ITL, LearnedCapacity.SloTerm.EVIDENCE);
        assertThat(c.itlAtCapacity()).isLessThanOrEqualTo(SLO.itlSeconds() + 1e-9);
    }

    @Test
    void aLongerPromptLowersTheCapacityAtOnceThroughTheModel() {
        run(PREFILL_HEAVY, 160, 0.4, 1.0);
        double before = learned(decide(PREFILL_HEAVY.snapshot(now, 4, 20), 4)).perReplica();
        SyntheticEngine longer = new SyntheticEngine(0.008, 1.5e-4, 1e-5, 0.2, 256, 4000, 30);
        SignalInput after = null;
        for (int i = 0; i < SloCapacityModel.RECENT; i++) {
            after = decide(longer.snapshot(now, 4, 15), 4);
        }
        assertThat(learned(after).promptTokens()).isCloseTo(4000, within(1.0));
        assertThat(learned(after).perReplica()).isLessThan(0.7 * before);
    }

    @Test
    void aWrongStartIsOutgrownByTheEnginesOwnData() {
        // First half an hour from an engine twice as slow per step: the estimate starts far too low.
        SyntheticEngine slow = new SyntheticEngine(0.016, 3e-4, 2e-5, 0.2, 256, 2000, 30);
        double wrong = learned(run(slow, 120, 0.4, 1.0)).perReplica();
        double truth = PREFILL_HEAVY.capacity(SLO.itlSeconds());
        assertThat(wrong).isLessThan(0.7 * truth);

        LearnedCapacity recovered = learned(run(PREFILL_HEAVY, 120, 0.4, 1.0));

        assertThat(recovered.perReplica()).isCloseTo(truth, within(0.10 * truth));
    }

    @Test
    void aTooHighStartIsCorrectedOnceTheReplicasSaturate() {
        // A mix of short outputs first (a high capacity), then the conversation mix at the same engine.
        SyntheticEngine shortOutputs = new SyntheticEngine(0.008, 1.5e-4, 1e-5, 0.2, 160, 1150, 40);
        double high = learned(run(shortOutputs, 80, 0.4, 1.0)).perReplica();
        double truth = CONVERSATION.capacity(SLO.itlSeconds());
        assertThat(high).isGreaterThan(1.5 * truth);

        LearnedCapacity corrected = learned(run(CONVERSATION, 120, 0.5, 1.15));

        assertThat(corrected.perReplica()).isCloseTo(truth, within(0.10 * truth));
    }

    @Test
    void aOneSampleSpikeOfFinishedAndArrivingRequestsChangesNothing() {
        run(CONVERSATION, 120, 0.5, 1.15);
        double steady = 0.8 * CONVERSATION.capacity(SLO.itlSeconds());
        double before = learned(decide(CONVERSATION.snapshot(now, 4, steady), 4)).perReplica();

        WorkloadSnapshot normal = CONVERSATION.snapshot(now, 4, steady);
        Map<Signal, Double> spiked = new HashMap<>();
        normal.signals().forEach((signal, aggregate) -> spiked.put(signal, aggregate.mean()));
        spiked.put(Signal.REQUESTS_PS, 1e5);
        spiked.put(Signal.ARRIVALS_PS, 1e5);
        spiked.put(Signal.QUEUE, 50.0);
        decide(SyntheticEngine.pods(now, 4, spiked), 4);
        SignalInput after = null;
        for (int i = 0; i < 3; i++) {
            after = decide(CONVERSATION.snapshot(now, 4, steady), 4);
        }

        assertThat(learned(after).perReplica()).isCloseTo(before, within(0.02 * before));
        assertThat(learned(after).loadSeen()).isLessThan(100);
    }

    @Test
    void withFewSamplesTheEstimateMayAskForMoreButNeverForFewer() {
        for (int i = 0; i < 3; i++) {
            decide(CONVERSATION.snapshot(now, 12, 4.0), 12);
        }
        SignalInput first = decide(CONVERSATION.snapshot(now, 12, 1.0), 12);
        assertThat(learned(first).confidence()).isEqualTo(LearnedCapacity.Confidence.PROVISIONAL);
        assertThat(first.outcome()).isEqualTo(SignalOutcome.QUIET);
        assertThat(first.proposedReplicas()).isEmpty();
    }

    @Test
    void beforeAnySampleThereIsNoInputAndAHandSetRateTargetOrNoSloLeavesTheRuleOut() {
        RuleContext empty = new RuleContext(SPEC, Fixtures.queues(now, 0, 0, 0.0, 0.0), 2, now);
        List<SignalInput> inputs = new ArrayList<>();
        rule.apply(empty, state, inputs);
        assertThat(inputs).isEmpty();

        PolicySpec handSet = SPEC.withTargets(SPEC.targets().overriddenBy(Map.of("arrivals_ps", "12")));
        assertThat(SloCapacityRule.applies(handSet)).isFalse();
        assertThat(SloCapacityRule.applies(PolicySpec.of(1, 4))).isFalse();
        assertThat(SloCapacityRule.applies(SPEC)).isTrue();
    }

    @Test
    void theLearnedTargetIsTheShareOfTheCapacityAndItsInputCarriesTheEvidence() {
        SignalInput input = run(PREFILL_HEAVY, 60, 0.4, 1.0);
        LearnedCapacity c = learned(input);
        double rate = input.workloadValue().orElseThrow();
        assertThat(input.target()).isCloseTo(SloCapacityRule.target(c, java.util.OptionalDouble.of(rate), 0.99),
                within(1e-9)).isLessThanOrEqualTo(SaturationTargets.RATE_TARGET_SHARE * c.perReplica());
        assertThat(c.samples()).isGreaterThanOrEqualTo(SloCapacityModel.MIN_SAMPLES);
        assertThat(c.loadSeen()).isPositive();
    }

    @Test
    void aReplicaWhoseWindowIsStillFillingDoesNotTakeTheTargetsMarginAway() {
        run(PREFILL_HEAVY, 60, 0.4, 1.0);
        // A fifth replica came ready moments ago: its window holds 2 samples, the others' 5. The workload total is
        // no reading to learn from, but the staffing share is still sized on the decision's own reading, not
        // dropped to the plain 0.9 share for want of a total.
        Map<Signal, Double> each = PREFILL_HEAVY.readings(0.6 * PREFILL_HEAVY.capacity(SLO.itlSeconds()));
        List<ReplicaReport> reports = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            reports.add(ReplicaReport.ready("pod-" + i, Fixtures.fresh(now, each)));
        }
        reports.add(ReplicaReport.ready("pod-new", new dev.headroom.signals.Signals(now, Fixtures.VLLM, each, false,
                java.time.Duration.ZERO, 2)));
        WorkloadSnapshot joining = WorkloadSnapshot.of(now, Fixtures.MAX_AGE, reports);
        assertThat(joining.filling()).isEqualTo(1);
        SignalInput input = decide(joining, 5);
        LearnedCapacity c = learned(input);
        assertThat(input.target()).isCloseTo(SloCapacityRule.target(c,
                java.util.OptionalDouble.of(input.workloadValue().orElseThrow()), 0.99), within(1e-9))
                .isLessThan(SaturationTargets.RATE_TARGET_SHARE * c.perReplica());
    }

    @Test
    void theTargetsMarginWidensWhereFewRequestsAreInFlightAsSquareRootStaffingSays() {
        assertThat(SloCapacityRule.normalQuantile(0.99)).isCloseTo(2.3263, within(1e-4));
        assertThat(SloCapacityRule.normalQuantile(0.5)).isCloseTo(0, within(1e-9));
        // Conversation-like: 15 req/s per replica with 80 in flight, 40 req/s in all: R = 213 slots, 0.86.
        LearnedCapacity many = new LearnedCapacity(15, LearnedCapacity.SloTerm.ITL,
                LearnedCapacity.Confidence.CONFIDENT, 40, 14, 1000, 200, 0.05, 1.0, 80);
        assertThat(SloCapacityRule.share(many, java.util.OptionalDouble.of(40), 0.99)).isCloseTo(
                Math.min(SaturationTargets.RATE_TARGET_SHARE, 1 / (1 + 2.3263 / Math.sqrt(40 / 15.0 * 80))),
                within(1e-3)).isGreaterThan(0.85);
        // Long context: 1 req/s per replica with 8 in flight, 5 req/s in all: R = 40 slots, 1 / (1 + 2.33/√40).
        LearnedCapacity few = new LearnedCapacity(1, LearnedCapacity.SloTerm.KV_CACHE,
                LearnedCapacity.Confidence.CONFIDENT, 40, 1, 13_000, 340, 0.05, 3.0, 8);
        assertThat(SloCapacityRule.share(few, java.util.OptionalDouble.of(5), 0.99)).isCloseTo(0.731, within(1e-3));
        // Without the batch or the workload's rate: the plain share.
        LearnedCapacity unknown = new LearnedCapacity(1, LearnedCapacity.SloTerm.ITL,
                LearnedCapacity.Confidence.CONFIDENT, 40, 1, 13_000, 340, 0.05, 3.0);
        assertThat(SloCapacityRule.share(unknown, java.util.OptionalDouble.of(5), 0.99))
                .isEqualTo(SaturationTargets.RATE_TARGET_SHARE);
        assertThat(SloCapacityRule.share(few, java.util.OptionalDouble.empty(), 0.99))
                .isEqualTo(SaturationTargets.RATE_TARGET_SHARE);
        // Bounded by the evidence: the estimate is below the replica's capacity already.
        LearnedCapacity proven = new LearnedCapacity(1, LearnedCapacity.SloTerm.EVIDENCE,
                LearnedCapacity.Confidence.CONFIDENT, 40, 1, 13_000, 340, 0.05, 3.0, 8);
        assertThat(SloCapacityRule.share(proven, java.util.OptionalDouble.of(5), 0.99))
                .isEqualTo(SaturationTargets.RATE_TARGET_SHARE);
    }

    @Test
    void aCapJustBelowWhatTheModelGivesKeepsTheModelsMarginOneFarBelowKeepsExploring() {
        // Long context: 5 req/s in all, 8 in flight per replica at the capped 1 req/s per replica: √40 slots.
        double staffing = 1 / (1 + SloCapacityRule.normalQuantile(0.99) / Math.sqrt(40));
        // The KV cache allows 1.05 req/s, the evidence 1.0: the cap is no margin, the KV cache's own one holds.
        LearnedCapacity nearCache = new LearnedCapacity(1.0, LearnedCapacity.SloTerm.EVIDENCE,
                LearnedCapacity.Confidence.CONFIDENT, 40, 0.77, 13_000, 340, 0.05, 3.0, 8, 1.05);
        assertThat(SloCapacityRule.target(nearCache, java.util.OptionalDouble.of(5), 0.99))
                .isCloseTo(staffing * 1.05, within(1e-9))
                .isLessThan(SaturationTargets.RATE_TARGET_SHARE * 1.0);
        // The model gives 3 req/s: the evidence's share of the cap binds, so the load may go on proving more.
        LearnedCapacity farBelow = new LearnedCapacity(1.0, LearnedCapacity.SloTerm.EVIDENCE,
                LearnedCapacity.Confidence.CONFIDENT, 40, 0.77, 13_000, 340, 0.05, 3.0, 8, 3.0);
        assertThat(SloCapacityRule.target(farBelow, java.util.OptionalDouble.of(5), 0.99))
                .isEqualTo(SaturationTargets.RATE_TARGET_SHARE * 1.0);
        // Not bounded by the evidence: the share of the estimate, as before.
        LearnedCapacity cache = new LearnedCapacity(1.0, LearnedCapacity.SloTerm.KV_CACHE,
                LearnedCapacity.Confidence.CONFIDENT, 40, 0.9, 13_000, 340, 0.05, 3.0, 8);
        assertThat(SloCapacityRule.target(cache, java.util.OptionalDouble.of(5), 0.99))
                .isCloseTo(staffing * 1.0, within(1e-9));
    }
}
