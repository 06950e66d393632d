package dev.headroom.autoscaler.policy;

import dev.headroom.signals.SaturationTargets;
import dev.headroom.signals.Signal;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.headroom.autoscaler.policy.Fixtures.T0;
import static dev.headroom.autoscaler.policy.Fixtures.fresh;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** {@link LearnedRateRule} on its own: one state, fed decision by decision. */
class LearnedRateRuleTest {

    private static final PolicySpec QUEUE_ONLY = PolicySpec.of(1, 20).withTargets(new SaturationTargets(Map.of(
            Signal.QUEUE, 4.0)));

    private final LearnedRateRule rule = new LearnedRateRule();
    private final LearnedRateRule.LearnedRate state = rule.newState();

    private static WorkloadSnapshot pods(int n, double queue, double finished) {
        List<ReplicaReport> reports = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            reports.add(ReplicaReport.ready("pod-" + i, fresh(T0, Map.of(Signal.QUEUE, queue,
                    Signal.ARRIVALS_PS, finished, Signal.REQUESTS_PS, finished))));
        }
        return WorkloadSnapshot.of(T0, Fixtures.MAX_AGE, reports);
    }

    private List<SignalInput> apply(PolicySpec spec, WorkloadSnapshot snapshot) {
        RuleContext context = new RuleContext(spec, snapshot, snapshot.readyFresh(), T0);
        List<SignalInput> inputs = new ArrayList<>();
        spec.targets().targets().forEach((signal, target) -> inputs.add(context.evaluate(signal, target)));
        rule.apply(context, state, inputs);
        return inputs;
    }

    @Test
    void nothingIsAddedBeforeAnAlarmHasFired() {
        assertThat(state.median()).isNaN();
        assertThat(apply(QUEUE_ONLY, pods(4, 1.0, 12.0))).extracting(SignalInput::signal)
                .containsExactly(Signal.QUEUE);
        assertThat(state.median()).isNaN();
    }

    @Test
    void anAlarmAddsAnArrivalsTargetAtTheEndAtTheMedianOfTheAlarmSamples() {
        List<SignalInput> alarmed = apply(QUEUE_ONLY, pods(4, 9.0, 12.0));
        assertThat(alarmed).extracting(SignalInput::signal).containsExactly(Signal.QUEUE, Signal.ARRIVALS_PS);
        assertThat(alarmed.get(1).target()).isCloseTo(0.9 * 12.0, within(1e-9));

        List<SignalInput> calm = apply(QUEUE_ONLY, pods(4, 0.0, 5.0));
        assertThat(calm.get(1).target()).as("a calm moment teaches nothing").isCloseTo(0.9 * 12.0, within(1e-9));
        assertThat(calm.get(1).proposedReplicas()).hasValue(2);

        apply(QUEUE_ONLY, pods(4, 9.0, 16.0));
        assertThat(state.median()).isCloseTo(14.0, within(1e-9));
    }

    @Test
    void aQueueWithinItsToleranceIsNoAlarm() {
        apply(QUEUE_ONLY, pods(4, 4.4, 12.0));
        assertThat(state.median()).isNaN();
    }

    @Test
    void aConfiguredTargetOrTheHpasVotingLeavesTheRuleOut() {
        PolicySpec withRate = PolicySpec.of(1, 20).withTargets(new SaturationTargets(Map.of(Signal.QUEUE, 4.0,
                Signal.ARRIVALS_PS, 20.0)));
        assertThat(apply(withRate, pods(4, 9.0, 12.0))).hasSize(2);
        apply(QUEUE_ONLY.withScaleDownVoting(ScaleDownVoting.EVERY_SIGNAL), pods(4, 9.0, 12.0));
        assertThat(state.median()).isNaN();
    }

    @Test
    void oneAbsurdFinishedRateDuringAnAlarmDoesNotPoisonTheTarget() {
        // Issue 14: one requests_ps sample of 1e5 during a queue alarm used to pull the mean to ~5e4 and scale 6 → 1.
        for (int i = 0; i < 4; i++) {
            apply(QUEUE_ONLY, pods(6, 9.0, 12.0));
        }
        apply(QUEUE_ONLY, pods(6, 9.0, 1e5));
        List<SignalInput> after = apply(QUEUE_ONLY, pods(6, 1.0, 11.0));

        assertThat(state.median()).isCloseTo(12.0, within(1e-9));
        assertThat(after.get(1).proposedReplicas()).hasValue(6);
    }

    @Test
    void aSpecWithAnSloLeavesTheLearningToTheSloCapacity() {
        PolicySpec withSlo = QUEUE_ONLY.withSlo(SloSpec.perRequest(2, 0.1, 0.99));
        assertThat(apply(withSlo, pods(4, 9.0, 12.0))).hasSize(1);
        assertThat(state.median()).isNaN();
    }
}
