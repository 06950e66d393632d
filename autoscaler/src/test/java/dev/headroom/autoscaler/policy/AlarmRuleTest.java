package dev.headroom.autoscaler.policy;

import dev.headroom.signals.SaturationTargets;
import dev.headroom.signals.Signal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.headroom.autoscaler.policy.Fixtures.T0;
import static dev.headroom.autoscaler.policy.Fixtures.fresh;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** {@link AlarmRule} on its own: given the HPA's inputs, what an alarm signal is left proposing. */
class AlarmRuleTest {

    private static final PolicySpec QUEUE_AND_RATE = PolicySpec.of(1, 40).withTargets(new SaturationTargets(Map.of(
            Signal.QUEUE, 4.0, Signal.REQUESTS_PS, 10.0)));

    /** {@code ready} pods each reporting {@code each}, and {@code notReady} pods loading. */
    private static WorkloadSnapshot pods(int ready, int notReady, Map<Signal, Double> each) {
        List<ReplicaReport> reports = new ArrayList<>();
        for (int i = 0; i < ready; i++) {
            reports.add(ReplicaReport.ready("pod-" + i, fresh(T0, each)));
        }
        for (int i = 0; i < notReady; i++) {
            reports.add(ReplicaReport.notReady("loading-" + i));
        }
        return WorkloadSnapshot.of(T0, Fixtures.MAX_AGE, reports);
    }

    /** The spec's inputs as the core makes them, then the rule. */
    private static List<SignalInput> applied(PolicySpec spec, int current, WorkloadSnapshot snapshot) {
        RuleContext context = new RuleContext(spec, snapshot, current, T0);
        List<SignalInput> inputs = new ArrayList<>();
        spec.targets().targets().forEach((signal, target) -> inputs.add(context.evaluate(signal, target)));
        new AlarmRule().apply(context, null, inputs);
        return inputs;
    }

    private static SignalInput queue(List<SignalInput> inputs) {
        return inputs.stream().filter(i -> i.signal() == Signal.QUEUE).findFirst().orElseThrow();
    }

    static Stream<Arguments> alarms() {
        // case, current, ready, not ready, queue per pod, arrivals, finished per pod, outcome, proposal (-1: none)
        return Stream.of(
                arguments("below target: quiet", 4, 4, 0, 1.0, 5.0, 5.0, SignalOutcome.QUIET, -1),
                arguments("empty queue: quiet", 4, 4, 0, 0.0, 5.0, 5.0, SignalOutcome.QUIET, -1),
                arguments("at target: holds", 4, 4, 0, 4.2, 5.0, 5.0, SignalOutcome.WITHIN_TOLERANCE, 4),
                arguments("above, arrivals beyond what is finished: measured demand", 4, 4, 0, 9.0, 30.0, 12.0,
                        SignalOutcome.MEASURED_DEMAND, 10),
                arguments("above, measured demand wins over starting replicas", 3, 2, 1, 20.0, 30.0, 12.0,
                        SignalOutcome.MEASURED_DEMAND, 5),
                arguments("above while replicas start: held", 3, 2, 1, 20.0, 11.0, 12.0,
                        SignalOutcome.HELD_STARTING, 3),
                arguments("above, nothing measured beyond the count: one step", 4, 4, 0, 9.0, 11.0, 12.0,
                        SignalOutcome.STEPPED, 5),
                arguments("above, the ratio asks for no more than a step: the ratio", 11, 11, 0, 4.6, 11.0, 12.0,
                        SignalOutcome.PROPOSED, 13));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("alarms")
    void anAlarmSignalIsLeftProposing(String name, int current, int ready, int notReady, double queue,
                                      double arrivals, double finished, SignalOutcome outcome, int proposal) {
        List<SignalInput> inputs = applied(QUEUE_AND_RATE, current, pods(ready, notReady, Map.of(Signal.QUEUE, queue,
                Signal.ARRIVALS_PS, arrivals, Signal.REQUESTS_PS, finished)));
        SignalInput q = queue(inputs);
        assertThat(q.outcome()).isEqualTo(outcome);
        if (proposal < 0) {
            assertThat(q.proposedReplicas()).isEmpty();
        } else {
            assertThat(q.proposedReplicas()).hasValue(proposal);
        }
    }

    @Test
    void loadSignalsAndTheHpasVotingAreLeftAsTheCoreMadeThem() {
        WorkloadSnapshot full = pods(4, 0, Map.of(Signal.QUEUE, 9.0, Signal.ARRIVALS_PS, 30.0,
                Signal.REQUESTS_PS, 12.0));
        RuleContext context = new RuleContext(QUEUE_AND_RATE, full, 4, T0);
        SignalInput rate = context.evaluate(Signal.REQUESTS_PS, 10.0);
        assertThat(applied(QUEUE_AND_RATE, 4, full)).contains(rate);

        PolicySpec hpa = QUEUE_AND_RATE.withScaleDownVoting(ScaleDownVoting.EVERY_SIGNAL);
        RuleContext hpaContext = new RuleContext(hpa, full, 4, T0);
        assertThat(applied(hpa, 4, full)).containsExactly(hpaContext.evaluate(Signal.QUEUE, 4.0),
                hpaContext.evaluate(Signal.REQUESTS_PS, 10.0));
    }

    @Test
    void aQueueWithMissingDataIsQuietNotHeld() {
        List<ReplicaReport> reports = List.of(ReplicaReport.ready("a", fresh(T0, Map.of(Signal.QUEUE, 1.0))),
                ReplicaReport.readyMissing("b"));
        List<SignalInput> inputs = applied(QUEUE_AND_RATE, 2, WorkloadSnapshot.of(T0, Fixtures.MAX_AGE, reports));
        assertThat(queue(inputs).outcome()).isEqualTo(SignalOutcome.QUIET);
    }
}
