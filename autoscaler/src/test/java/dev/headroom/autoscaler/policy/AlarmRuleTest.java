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

    @Test
    void aBacklogOnePodHoldsWhileAnotherHasRoomAsksForNoReplica() {
        // Five pods: one still holds the 40 requests a burst queued on it (an engine keeps what was routed to it),
        // four have nothing waiting; together 30 req/s arrive and 12 finish (what the busy one finishes, the rest
        // idle). Spread, that backlog is 8 per pod against a target of 4, and the measured demand is 13 replicas.
        Map<Signal, Double> busy = Map.of(Signal.QUEUE, 40.0, Signal.ARRIVALS_PS, 6.0, Signal.REQUESTS_PS, 12.0);
        Map<Signal, Double> idle = Map.of(Signal.QUEUE, 0.0, Signal.ARRIVALS_PS, 6.0, Signal.REQUESTS_PS, 0.0);
        List<ReplicaReport> stranded = new ArrayList<>(List.of(ReplicaReport.ready("busy", fresh(T0, busy))));
        for (int i = 0; i < 4; i++) {
            stranded.add(ReplicaReport.ready("idle-" + i, fresh(T0, idle)));
        }
        SignalInput held = queue(applied(QUEUE_AND_RATE, 5, WorkloadSnapshot.of(T0, Fixtures.MAX_AGE, stranded)));
        assertThat(held.outcome()).isEqualTo(SignalOutcome.HELD_WITH_ROOM);
        assertThat(held.proposedReplicas()).hasValue(5);

        // The same backlog and rates spread over every pod: no pod has room, and the measured demand stands.
        SignalInput full = queue(applied(QUEUE_AND_RATE, 5, pods(5, 0, Map.of(Signal.QUEUE, 8.0,
                Signal.ARRIVALS_PS, 6.0, Signal.REQUESTS_PS, 2.4))));
        assertThat(full.outcome()).isEqualTo(SignalOutcome.MEASURED_DEMAND);
        assertThat(full.proposedReplicas()).hasValue(13);
    }

    @Test
    void aLatencyAlarmHoldsWhereAPodServesWithinItButNotWhereEveryPodIsSlow() {
        PolicySpec spec = PolicySpec.of(1, 40).withTargets(new SaturationTargets(Map.of(Signal.TTFT_P95, 2.0)));
        // Three pods' TTFT windows still hold the wait of a backlog they have drained; three new ones serve at
        // once: arrivals go where nothing waits and are served within the objective.
        List<ReplicaReport> draining = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            draining.add(ReplicaReport.ready("old-" + i, fresh(T0, Map.of(Signal.TTFT_P95, 9.0, Signal.QUEUE, 0.0))));
            draining.add(ReplicaReport.ready("new-" + i, fresh(T0, Map.of(Signal.TTFT_P95, 0.4, Signal.QUEUE, 0.0))));
        }
        SignalInput held = applied(spec, 6, WorkloadSnapshot.of(T0, Fixtures.MAX_AGE, draining)).get(0);
        assertThat(held.outcome()).isEqualTo(SignalOutcome.HELD_WITH_ROOM);
        assertThat(held.proposedReplicas()).hasValue(6);

        // Nothing waits anywhere, but every pod's first tokens come late (long prompts slow every step): that is
        // not room, and the alarm steps.
        SignalInput slow = applied(spec, 6, pods(6, 0, Map.of(Signal.TTFT_P95, 3.0, Signal.QUEUE, 0.0))).get(0);
        assertThat(slow.outcome()).isEqualTo(SignalOutcome.STEPPED);
        assertThat(slow.proposedReplicas()).hasValue(7);
    }
}
