package dev.headroom.autoscaler.policy;

import dev.headroom.signals.SaturationTargets;
import dev.headroom.signals.Signal;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.headroom.autoscaler.policy.DecisionReason.SCALE_DOWN;
import static dev.headroom.autoscaler.policy.DecisionReason.SCALE_UP;
import static dev.headroom.autoscaler.policy.DecisionReason.WITHIN_TOLERANCE;
import static dev.headroom.autoscaler.policy.Fixtures.T0;
import static dev.headroom.autoscaler.policy.Fixtures.fresh;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Headroom's default voting: alarm signals (queue, latencies) vote only for more replicas. */
class ScaleDownVotingTest {

    private final HpaCompatiblePolicy policy = new HpaCompatiblePolicy(new Fixtures.ManualClock(T0));

    private static WorkloadSnapshot pods(int n, Map<Signal, Double> each) {
        List<ReplicaReport> reports = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            reports.add(ReplicaReport.ready("pod-" + i, fresh(T0, each)));
        }
        return WorkloadSnapshot.of(T0, Fixtures.MAX_AGE, reports);
    }

    private static PolicySpec queueOnly() {
        return PolicySpec.of(1, 20).withTargets(new SaturationTargets(Map.of(Signal.QUEUE, 4.0)));
    }

    @Test
    void theDefaultIsLoadSignalsAndTheFourArgumentConstructorKeepsIt() {
        assertThat(PolicySpec.of(1, 2).scaleDownVoting()).isEqualTo(ScaleDownVoting.LOAD_SIGNALS);
        assertThat(new PolicySpec(1, 2, SaturationTargets.defaults(), Behavior.defaults()).scaleDownVoting())
                .isEqualTo(ScaleDownVoting.LOAD_SIGNALS);
    }

    @Test
    void anEmptyQueueDoesNotScaleDownUnderLoadSignalsButDoesUnderTheHpasRule() {
        WorkloadSnapshot idleQueue = pods(8, Map.of(Signal.QUEUE, 0.0));

        ScalingDecision headroom = policy.decide("a", queueOnly(), 8, idleQueue);
        assertThat(headroom.desired()).isEqualTo(8);
        assertThat(headroom.recommended()).isEqualTo(8);
        assertThat(headroom.reason()).isEqualTo(WITHIN_TOLERANCE);
        assertThat(headroom.dominant()).isEmpty();
        SignalInput queue = headroom.input(Signal.QUEUE).orElseThrow();
        assertThat(queue.outcome()).isEqualTo(SignalOutcome.QUIET);
        assertThat(queue.voted()).isFalse();
        assertThat(queue.proposedReplicas()).isEmpty();
        assertThat(queue.perReplicaValue()).hasValue(0.0);
        assertThat(headroom.message()).startsWith("hold at 8: within tolerance, no load signal voted")
                .contains("queue 0.000 per replica against 4.000")
                .contains("alarm signals never vote for fewer replicas");

        // The HPA (and KEDA on vllm:num_requests_waiting) reads 0 waiting as 0 load: ceil(8 × 0 / 4) → minReplicas.
        PolicySpec hpaVoting = queueOnly().withScaleDownVoting(ScaleDownVoting.EVERY_SIGNAL);
        ScalingDecision hpa = Fixtures.watchedSinceBeforeTheWindow("b", hpaVoting, 8).decide("b", hpaVoting, 8,
                idleQueue);
        assertThat(hpa.desired()).isEqualTo(1);
        assertThat(hpa.reason()).isEqualTo(DecisionReason.AT_MIN);
    }

    @Test
    void aQueueAboveItsTargetAsksForOneStepNotForItsRatiosCount() {
        ScalingDecision d = policy.decide("a", queueOnly(), 2, pods(2, Map.of(Signal.QUEUE, 8.0)));
        // 16 waiting over 2 pods, 8 per pod against 4: the HPA's ratio 2 would ask for ceil(4); an alarm says
        // "full", not "twice too small": one step, 2 → 3.
        assertThat(d.desired()).isEqualTo(3);
        assertThat(d.reason()).isEqualTo(SCALE_UP);
        SignalInput queue = d.input(Signal.QUEUE).orElseThrow();
        assertThat(queue.outcome()).isEqualTo(SignalOutcome.STEPPED);
        assertThat(queue.ratio().orElseThrow()).isEqualTo(2.0);
        assertThat(d.message()).contains("an alarm asks for one step more");

        // Under the HPA's voting the queue keeps the HPA's arithmetic.
        ScalingDecision hpa = policy.decide("b", queueOnly().withScaleDownVoting(ScaleDownVoting.EVERY_SIGNAL), 2,
                pods(2, Map.of(Signal.QUEUE, 8.0)));
        assertThat(hpa.desired()).isEqualTo(4);
        assertThat(hpa.input(Signal.QUEUE).orElseThrow().outcome()).isEqualTo(SignalOutcome.PROPOSED);
    }

    @Test
    void anAlarmStepIsATenthOfTheFleetWhenThatIsMoreThanOne() {
        assertThat(AlarmRule.alarmStep(1)).isEqualTo(1);
        assertThat(AlarmRule.alarmStep(10)).isEqualTo(1);
        assertThat(AlarmRule.alarmStep(11)).isEqualTo(2);
        assertThat(AlarmRule.alarmStep(40)).isEqualTo(4);
        PolicySpec wide = PolicySpec.of(1, 100).withTargets(new SaturationTargets(Map.of(Signal.QUEUE, 4.0)));
        ScalingDecision d = policy.decide("a", wide, 40, pods(40, Map.of(Signal.QUEUE, 40.0)));
        assertThat(d.desired()).as(d.message()).isEqualTo(44);
    }

    @Test
    void fullReplicasThatFinishLessThanArrivesAskForTheArrivalsShare() {
        // Queue above target: the replicas are full, so 12 req/s finished each is what one replica serves;
        // 30 arriving each on 4 pods need ceil(4 × 120 / 48) = 10, whatever the queue's ratio says.
        Map<Signal, Double> full = Map.of(Signal.QUEUE, 9.0, Signal.ARRIVALS_PS, 30.0, Signal.REQUESTS_PS, 12.0);
        PolicySpec wide = PolicySpec.of(1, 40).withTargets(new SaturationTargets(Map.of(Signal.QUEUE, 4.0)));
        ScalingDecision d = policy.decide("a", wide.withScaleDownVoting(ScaleDownVoting.LOAD_SIGNALS), 4,
                pods(4, full));
        assertThat(AlarmRule.measuredDemand(pods(4, full))).isEqualTo(10);
        SignalInput queue = d.input(Signal.QUEUE).orElseThrow();
        assertThat(queue.outcome()).isEqualTo(SignalOutcome.MEASURED_DEMAND);
        assertThat(queue.proposedReplicas()).hasValue(10);
        // The same moment teaches a rate target (0.9 × 12 finished per replica), which asks for a little more.
        assertThat(d.input(Signal.ARRIVALS_PS).orElseThrow().proposedReplicas()).hasValue(12);
        assertThat(d.recommended()).as(d.message()).isEqualTo(12);
        assertThat(d.desired()).as("max(4 pods, 100 %) per 15 s").isEqualTo(8);

        // Arrivals no more than finished: nothing measured beyond the current count, one step.
        Map<Signal, Double> draining = Map.of(Signal.QUEUE, 9.0, Signal.ARRIVALS_PS, 11.0, Signal.REQUESTS_PS, 12.0);
        ScalingDecision step = policy.decide("b", wide, 4, pods(4, draining));
        assertThat(step.desired()).isEqualTo(5);
        assertThat(step.input(Signal.QUEUE).orElseThrow().outcome()).isEqualTo(SignalOutcome.STEPPED);
    }

    @Test
    void anAlarmTeachesARateTargetThatThenVotesBothWays() {
        PolicySpec queueOnly = queueOnly();
        // Full: 9 waiting per pod against 4, each pod finishing 12 req/s: a sample of 12.
        ScalingDecision full = policy.decide("a", queueOnly, 4, pods(4, Map.of(Signal.QUEUE, 9.0,
                Signal.ARRIVALS_PS, 12.5, Signal.REQUESTS_PS, 12.0)));
        SignalInput learned = full.input(Signal.ARRIVALS_PS).orElseThrow();
        assertThat(learned.target()).isCloseTo(0.9 * 12.0, within(1e-9));

        // Later, quiet: 5 req/s arriving per pod on 4 pods = 20 in all against 10.8: two replicas would do,
        // where the quiet queue alone would hold at four.
        HpaCompatiblePolicy watched = Fixtures.watchedSinceBeforeTheWindow("c", queueOnly, 4);
        watched.decide("c", queueOnly, 4, pods(4, Map.of(Signal.QUEUE, 9.0, Signal.ARRIVALS_PS, 12.5,
                Signal.REQUESTS_PS, 12.0)));
        ScalingDecision down = watched.decide("c", queueOnly.withBehavior(new Behavior(ScalingRules.defaultScaleUp(),
                ScalingRules.defaultScaleDown().withStabilizationWindow(java.time.Duration.ZERO))), 4,
                pods(4, Map.of(Signal.QUEUE, 0.0, Signal.ARRIVALS_PS, 5.0, Signal.REQUESTS_PS, 5.0)));
        assertThat(down.input(Signal.QUEUE).orElseThrow().outcome()).isEqualTo(SignalOutcome.QUIET);
        assertThat(down.desired()).as(down.message()).isEqualTo(2);
        assertThat(down.dominant()).contains(Signal.ARRIVALS_PS);
        assertThat(down.message()).contains("(target learned: 0.90 × what a replica finished when an alarm fired)");

        // A second sample moves the mean half way: (12 + 16) / 2 = 14.
        ScalingDecision again = policy.decide("a", queueOnly, 4, pods(4, Map.of(Signal.QUEUE, 9.0,
                Signal.ARRIVALS_PS, 17.0, Signal.REQUESTS_PS, 16.0)));
        assertThat(again.input(Signal.ARRIVALS_PS).orElseThrow().target()).isCloseTo(0.9 * 14.0, within(1e-9));

        policy.forget("a");
        ScalingDecision afresh = policy.decide("a", queueOnly, 4, pods(4, Map.of(Signal.QUEUE, 0.0,
                Signal.ARRIVALS_PS, 5.0, Signal.REQUESTS_PS, 5.0)));
        assertThat(afresh.input(Signal.ARRIVALS_PS)).as("forgotten with the workload").isEmpty();
    }

    @Test
    void nothingIsLearnedWithoutAnAlarmWithATargetSetOrUnderTheHpasVoting() {
        Map<Signal, Double> full = Map.of(Signal.QUEUE, 9.0, Signal.ARRIVALS_PS, 12.5, Signal.REQUESTS_PS, 12.0);
        Map<Signal, Double> calm = Map.of(Signal.QUEUE, 1.0, Signal.ARRIVALS_PS, 12.5, Signal.REQUESTS_PS, 12.0);
        assertThat(policy.decide("calm", queueOnly(), 4, pods(4, calm)).input(Signal.ARRIVALS_PS)).isEmpty();
        PolicySpec hpa = queueOnly().withScaleDownVoting(ScaleDownVoting.EVERY_SIGNAL);
        assertThat(policy.decide("hpa", hpa, 4, pods(4, full)).input(Signal.ARRIVALS_PS)).isEmpty();
        PolicySpec withRate = PolicySpec.of(1, 20).withTargets(new SaturationTargets(Map.of(Signal.QUEUE, 4.0,
                Signal.ARRIVALS_PS, 20.0)));
        ScalingDecision set = policy.decide("set", withRate, 4, pods(4, full));
        assertThat(set.input(Signal.ARRIVALS_PS).orElseThrow().target()).as("the user's target stands").isEqualTo(20.0);
        List<ReplicaReport> partial = new ArrayList<>(List.of(
                ReplicaReport.ready("a", fresh(T0, full)), ReplicaReport.readyMissing("b")));
        assertThat(policy.decide("partial", queueOnly(), 2, WorkloadSnapshot.of(T0, Fixtures.MAX_AGE, partial))
                .input(Signal.ARRIVALS_PS)).as("a sample needs every ready pod").isEmpty();
    }

    @Test
    void demandIsMeasuredOnlyWhenEveryReadyPodReportsBothRates() {
        List<ReplicaReport> reports = new ArrayList<>();
        reports.add(ReplicaReport.ready("a", fresh(T0, Map.of(Signal.ARRIVALS_PS, 30.0, Signal.REQUESTS_PS, 12.0))));
        reports.add(ReplicaReport.ready("b", fresh(T0, Map.of(Signal.ARRIVALS_PS, 30.0))));
        assertThat(AlarmRule.measuredDemand(WorkloadSnapshot.of(T0, Fixtures.MAX_AGE, reports))).isZero();
        reports.set(1, ReplicaReport.readyMissing("b"));
        assertThat(AlarmRule.measuredDemand(WorkloadSnapshot.of(T0, Fixtures.MAX_AGE, reports))).isZero();
        assertThat(AlarmRule.measuredDemand(pods(2, Map.of(Signal.ARRIVALS_PS, 3.0,
                Signal.REQUESTS_PS, 0.0)))).as("nothing finished: no capacity measured").isZero();
    }

    @Test
    void anAlarmWaitsForTheReplicasStillStartingButALoadSignalDoesNot() {
        List<ReplicaReport> reports = new ArrayList<>();
        reports.add(ReplicaReport.ready("a", fresh(T0, Map.of(Signal.QUEUE, 20.0, Signal.REQUESTS_PS, 30.0))));
        reports.add(ReplicaReport.ready("b", fresh(T0, Map.of(Signal.QUEUE, 20.0, Signal.REQUESTS_PS, 30.0))));
        reports.add(ReplicaReport.notReady("c"));
        WorkloadSnapshot starting = WorkloadSnapshot.of(T0, Fixtures.MAX_AGE, reports);

        ScalingDecision alarmOnly = policy.decide("a", queueOnly(), 3, starting);
        assertThat(alarmOnly.desired()).as(alarmOnly.message()).isEqualTo(3);
        assertThat(alarmOnly.input(Signal.QUEUE).orElseThrow().outcome()).isEqualTo(SignalOutcome.HELD_STARTING);
        assertThat(alarmOnly.message()).contains("replicas still starting are the step it asked for");

        // 60 req/s against 10 per replica: 6, whatever is starting (the starting pod counts as absorbing 0).
        PolicySpec withRate = PolicySpec.of(1, 20).withTargets(new SaturationTargets(Map.of(Signal.QUEUE, 4.0,
                Signal.REQUESTS_PS, 10.0)));
        ScalingDecision both = policy.decide("b", withRate, 3, starting);
        assertThat(both.desired()).as(both.message()).isEqualTo(6);
        assertThat(both.dominant()).contains(Signal.REQUESTS_PS);
    }

    @Test
    void aLoadSignalScalesDownWhileTheQuietAlarmsAbstain() {
        // KV 0.4 against 0.8 on 4 pods → 2; the queue and ITL at their idle floor do not pull it to 1.
        ScalingDecision d = Fixtures.watchedSinceBeforeTheWindow("a", PolicySpec.of(1, 20), 4).decide("a",
                PolicySpec.of(1, 20), 4, pods(4, Map.of(Signal.KV_UTILIZATION, 0.4, Signal.QUEUE, 0.0,
                        Signal.ITL_P95, 0.01, Signal.TTFT_P95, 0.05)));
        assertThat(d.desired()).isEqualTo(2);
        assertThat(d.reason()).isEqualTo(SCALE_DOWN);
        assertThat(d.dominant()).contains(Signal.KV_UTILIZATION);
        assertThat(d.input(Signal.QUEUE).orElseThrow().outcome()).isEqualTo(SignalOutcome.QUIET);
        assertThat(d.input(Signal.ITL_P95).orElseThrow().outcome()).isEqualTo(SignalOutcome.QUIET);
        assertThat(d.input(Signal.TTFT_P95).orElseThrow().outcome()).isEqualTo(SignalOutcome.QUIET);
    }

    @Test
    void anAlarmAtItsTargetHoldsAgainstAScaleDown() {
        // Queue 4.2 per pod is within the tolerance of 4: the engine is at its limit, so KV's 2 must wait.
        ScalingDecision d = policy.decide("a", PolicySpec.of(1, 20), 4, pods(4, Map.of(Signal.KV_UTILIZATION, 0.4,
                Signal.QUEUE, 4.2)));
        assertThat(d.desired()).isEqualTo(4);
        assertThat(d.input(Signal.QUEUE).orElseThrow().outcome()).isEqualTo(SignalOutcome.WITHIN_TOLERANCE);
        assertThat(d.input(Signal.QUEUE).orElseThrow().proposedReplicas()).hasValue(4);
    }

    @Test
    void alarmAndLoadSignalsAreClassifiedOnce() {
        for (Signal s : Signal.values()) {
            boolean alarm = ScaleDownVoting.isAlarm(s);
            assertThat(ScaleDownVoting.EVERY_SIGNAL.mayVoteDown(s)).isTrue();
            assertThat(ScaleDownVoting.LOAD_SIGNALS.mayVoteDown(s)).isEqualTo(!alarm);
        }
        assertThat(ScaleDownVoting.isAlarm(Signal.QUEUE)).isTrue();
        assertThat(ScaleDownVoting.isAlarm(Signal.TTFT_P95)).isTrue();
        assertThat(ScaleDownVoting.isAlarm(Signal.QUEUE_TIME_P95)).isTrue();
        assertThat(ScaleDownVoting.isAlarm(Signal.KV_UTILIZATION)).isFalse();
        assertThat(ScaleDownVoting.isAlarm(Signal.RUNNING)).isFalse();
        assertThat(ScaleDownVoting.isAlarm(Signal.REQUESTS_PS)).isFalse();
    }
}
