package dev.headroom.autoscaler.policy;

import dev.headroom.autoscaler.signals.SaturationTargets;
import dev.headroom.autoscaler.signals.Signal;
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
        assertThat(HpaCompatiblePolicy.alarmStep(1)).isEqualTo(1);
        assertThat(HpaCompatiblePolicy.alarmStep(10)).isEqualTo(1);
        assertThat(HpaCompatiblePolicy.alarmStep(11)).isEqualTo(2);
        assertThat(HpaCompatiblePolicy.alarmStep(40)).isEqualTo(4);
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
        ScalingDecision d = policy.decide("a", wide, 4, pods(4, full));
        assertThat(HpaCompatiblePolicy.measuredDemand(pods(4, full))).isEqualTo(10);
        assertThat(d.recommended()).as(d.message()).isEqualTo(10);
        assertThat(d.desired()).as("max(4 pods, 100 %) per 15 s").isEqualTo(8);
        assertThat(d.input(Signal.QUEUE).orElseThrow().outcome()).isEqualTo(SignalOutcome.MEASURED_DEMAND);
        assertThat(d.message()).contains("their share of the arrivals");

        // Arrivals no more than finished: nothing measured beyond the current count, one step.
        Map<Signal, Double> draining = Map.of(Signal.QUEUE, 9.0, Signal.ARRIVALS_PS, 11.0, Signal.REQUESTS_PS, 12.0);
        ScalingDecision step = policy.decide("b", wide, 4, pods(4, draining));
        assertThat(step.desired()).isEqualTo(5);
        assertThat(step.input(Signal.QUEUE).orElseThrow().outcome()).isEqualTo(SignalOutcome.STEPPED);
    }

    @Test
    void demandIsMeasuredOnlyWhenEveryReadyPodReportsBothRates() {
        List<ReplicaReport> reports = new ArrayList<>();
        reports.add(ReplicaReport.ready("a", fresh(T0, Map.of(Signal.ARRIVALS_PS, 30.0, Signal.REQUESTS_PS, 12.0))));
        reports.add(ReplicaReport.ready("b", fresh(T0, Map.of(Signal.ARRIVALS_PS, 30.0))));
        assertThat(HpaCompatiblePolicy.measuredDemand(WorkloadSnapshot.of(T0, Fixtures.MAX_AGE, reports))).isZero();
        reports.set(1, ReplicaReport.readyMissing("b"));
        assertThat(HpaCompatiblePolicy.measuredDemand(WorkloadSnapshot.of(T0, Fixtures.MAX_AGE, reports))).isZero();
        assertThat(HpaCompatiblePolicy.measuredDemand(pods(2, Map.of(Signal.ARRIVALS_PS, 3.0,
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
