package dev.headroom.autoscaler.policy;

import dev.headroom.signals.SaturationTargets;
import dev.headroom.signals.Signal;
import dev.headroom.signals.Signals;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.headroom.autoscaler.policy.Fixtures.T0;
import static dev.headroom.autoscaler.policy.Fixtures.fresh;
import static org.assertj.core.api.Assertions.assertThat;

/** Every decision line, exactly: people, Events and {@code /v1/decisions} read them as they are. */
class DecisionTextTest {

    private static final PolicySpec KV_QUEUE = PolicySpec.of(1, 10).withTargets(new SaturationTargets(Map.of(
            Signal.KV_UTILIZATION, 0.8, Signal.QUEUE, 4.0)));
    private static final String TWO_FRESH = "pods: 2 ready with fresh data, 0 ready without, 0 not ready";

    private static WorkloadSnapshot twoPods(Map<Signal, Double> each) {
        return WorkloadSnapshot.of(T0, Fixtures.MAX_AGE, List.of(ReplicaReport.ready("a", fresh(T0, each)),
                ReplicaReport.ready("b", fresh(T0, each))));
    }

    private static final WorkloadSnapshot HOT = twoPods(Map.of(Signal.KV_UTILIZATION, 0.96, Signal.QUEUE, 8.0));
    private static final RuleContext AT_TWO = new RuleContext(KV_QUEUE, HOT, 2, T0);

    @Test
    void theEarlyReturnsSayWhichBoundActed() {
        assertThat(DecisionText.pausedAtZero(2))
                .isEqualTo("hold at 0: the target was scaled to zero while minReplicas is 2; autoscaling is paused");
        assertThat(DecisionText.aboveMax(6, 5)).isEqualTo("scale down 6 → 5: above maxReplicas");
        assertThat(DecisionText.belowMin(1, 2)).isEqualTo("scale up 1 → 2: below minReplicas");
        WorkloadSnapshot silent = WorkloadSnapshot.of(T0, Fixtures.MAX_AGE, List.of(ReplicaReport.readyMissing("a"),
                ReplicaReport.notReady("b")));
        List<SignalInput> none = List.of(SignalInput.noData(Signal.KV_UTILIZATION, 0.8),
                SignalInput.noData(Signal.QUEUE, 4));
        assertThat(DecisionText.noData(2, none, silent)).isEqualTo("hold at 2: no targeted signal (kv_utilization,"
                + " queue) has fresh data from any ready pod; pods: 0 ready with fresh data, 1 ready without, 1 not"
                + " ready");
    }

    @Test
    void aDecisionNamesItsDominantSignalAndEndsWithThePods() {
        SignalInput kv = AT_TWO.evaluate(Signal.KV_UTILIZATION, 0.8);
        String reading = "kv_utilization 0.9600 per replica against target 0.8000 (ratio 1.200) on 2 pod(s)";
        List<SignalInput> inputs = List.of(kv);
        assertThat(DecisionText.decision(DecisionReason.SCALE_UP, 2, 3, 3, 3, kv, inputs, KV_QUEUE, HOT))
                .isEqualTo("scale up 2 → 3: " + reading + "; " + TWO_FRESH);
        assertThat(DecisionText.decision(DecisionReason.STABILISED, 2, 3, 2, 2, kv, inputs, KV_QUEUE, HOT))
                .isEqualTo("hold at 2: a stabilisation window keeps 2 instead of the recommended 3; " + reading + "; "
                        + TWO_FRESH);
        assertThat(DecisionText.decision(DecisionReason.LIMITED_BY_RATE, 2, 9, 9, 6, kv, inputs, KV_QUEUE, HOT))
                .isEqualTo("scale up 2 → 6: a rate policy limits the change (wanted 9); " + reading + "; "
                        + TWO_FRESH);
        assertThat(DecisionText.decision(DecisionReason.AT_MAX, 2, 12, 12, 10, kv, inputs, KV_QUEUE, HOT))
                .isEqualTo("scale 2 → 10: at maxReplicas 10 (wanted 12); " + reading + "; " + TWO_FRESH);
    }

    @Test
    void aPodWhoseWindowIsStillFillingIsNamedAfterThePods() {
        Map<Signal, Double> each = Map.of(Signal.QUEUE, 1.0);
        WorkloadSnapshot joining = WorkloadSnapshot.of(T0, Fixtures.MAX_AGE, List.of(
                ReplicaReport.ready("a", new Signals(T0, Fixtures.VLLM, each, false, Duration.ZERO, 7)),
                ReplicaReport.ready("b", new Signals(T0, Fixtures.VLLM, each, false, Duration.ZERO, 2))));
        assertThat(DecisionText.pods(joining)).isEqualTo(TWO_FRESH
                + " (1 with a window still filling: nothing learned from this reading)");
        assertThat(DecisionText.pods(HOT)).isEqualTo(TWO_FRESH);
    }

    @Test
    void whatARuleMadeOfASignalIsSaidAfterItsReading() {
        String queue = "queue 8.000 per replica against target 4.000 (ratio 2.000) on 2 pod(s)";
        SignalInput raw = AT_TWO.evaluate(Signal.QUEUE, 4);
        assertThat(DecisionText.describe(raw.proposing(3, SignalOutcome.STEPPED), KV_QUEUE))
                .isEqualTo(queue + "; an alarm asks for one step more");
        assertThat(DecisionText.describe(raw.proposing(2, SignalOutcome.HELD_STARTING), KV_QUEUE))
                .isEqualTo(queue + "; replicas still starting are the step it asked for");
        assertThat(DecisionText.describe(raw.proposing(2, SignalOutcome.HELD_WITH_ROOM), KV_QUEUE))
                .isEqualTo(queue + "; a replica has nothing waiting, so arrivals start at once: the backlog other"
                        + " replicas hold is not one a new replica would serve");
        assertThat(DecisionText.describe(raw.proposing(5, SignalOutcome.MEASURED_DEMAND), KV_QUEUE))
                .isEqualTo(queue + "; the full replicas finish less than arrives: their share of the arrivals asks"
                        + " for this many");

        PolicySpec ahead = KV_QUEUE.withForecast(LoadForecast.ahead(Duration.ofSeconds(105)));
        SignalInput rate = new RuleContext(ahead, twoPods(Map.of(Signal.ARRIVALS_PS, 12.0)), 2, T0)
                .evaluate(Signal.ARRIVALS_PS, 10.8);
        assertThat(DecisionText.describe(rate.forecasting(4, 45.5), ahead)).isEqualTo("arrivals_ps 12.00 per replica"
                + " against target 10.80 (ratio 1.111) on 2 pod(s) (target learned: 0.90 × what a replica finished"
                + " when an alarm fired); its trend reaches 45.50 in all, 105 s ahead");
    }

    @Test
    void aLearnedSloCapacitySaysItsValueItsBindingTermItsEvidenceAndHowSureItIs() {
        PolicySpec slo = PolicySpec.forSlo(1, 10, SloSpec.perRequest(2, 0.1, 0.99));
        LearnedCapacity c = new LearnedCapacity(12.0, LearnedCapacity.SloTerm.ITL,
                LearnedCapacity.Confidence.CONFIDENT, 64, 11.5, 2000, 30, 0.1, 0.8);
        SignalInput rate = new RuleContext(slo, twoPods(Map.of(Signal.ARRIVALS_PS, 12.0)), 2, T0)
                .evaluate(Signal.ARRIVALS_PS, 10.8).withLearned(c);
        assertThat(DecisionText.describe(rate.proposing(3, SignalOutcome.HELD_FOR_BURST), slo))
                .isEqualTo("arrivals_ps 12.00 per replica against target 10.80 (ratio 1.111) on 2 pod(s) (target"
                        + " learned: 0.90 × 12.00 req/s per replica within the SLO (TTFT p99 ≤ 2 s, ITL mean ≤ 0.1 s,"
                        + " for 99 % of requests); the ITL objective binds; mix 2000 prompt / 30 output tokens; 64"
                        + " samples up to 11.50 req/s per replica; confident); the load's recent peak needs this"
                        + " many, and a replica released now could not be back before a recurring burst returns");
    }

    @Test
    void onlyQuietAlarmsSayThatNoneOfThemVotesDown() {
        WorkloadSnapshot calm = twoPods(Map.of(Signal.QUEUE, 0.0, Signal.TTFT_P95, 0.25));
        RuleContext context = new RuleContext(KV_QUEUE, calm, 2, T0);
        List<SignalInput> inputs = List.of(SignalInput.noData(Signal.KV_UTILIZATION, 0.8),
                context.evaluate(Signal.QUEUE, 4).quiet(), context.evaluate(Signal.TTFT_P95, 2).quiet());
        assertThat(DecisionText.decision(DecisionReason.WITHIN_TOLERANCE, 2, 2, 2, 2, null, inputs, KV_QUEUE, calm))
                .isEqualTo("hold at 2: within tolerance, no load signal voted and every alarm signal is at or below"
                        + " its target (queue 0.000 per replica against 4.000, ttft_p95 0.2500 per replica against"
                        + " 2.000); alarm signals never vote for fewer replicas; " + TWO_FRESH);
    }
}
