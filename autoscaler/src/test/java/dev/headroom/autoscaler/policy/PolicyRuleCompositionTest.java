package dev.headroom.autoscaler.policy;

import dev.headroom.signals.SaturationTargets;
import dev.headroom.signals.Signal;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.headroom.autoscaler.policy.Fixtures.T0;
import static dev.headroom.autoscaler.policy.Fixtures.fresh;
import static dev.headroom.autoscaler.policy.Fixtures.queueSpec;
import static dev.headroom.autoscaler.policy.Fixtures.queues;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The HPA core with rules given to it as a list: a rule is added by composition, keeps its state per workload
 * in the core's keeping, and runs in the order given.
 */
class PolicyRuleCompositionTest {

    private final Fixtures.ManualClock clock = new Fixtures.ManualClock(T0);

    /**
     * A rule the core has never heard of, written as one outside this package would be (public constructor of
     * {@link SignalInput} only): for a workload's first {@code decisions} decisions every voting signal holds
     * at the current count. Its state counts the decisions it has seen, and how many states it made.
     */
    private static final class WarmUp implements PolicyRule<int[]> {
        final int decisions;
        final AtomicInteger statesMade = new AtomicInteger();

        WarmUp(int decisions) {
            this.decisions = decisions;
        }

        @Override
        public int[] newState() {
            statesMade.incrementAndGet();
            return new int[1];
        }

        @Override
        public void apply(RuleContext context, int[] seen, List<SignalInput> inputs) {
            if (seen[0]++ >= decisions) {
                return;
            }
            for (int i = 0; i < inputs.size(); i++) {
                SignalInput in = inputs.get(i);
                if (in.voted()) {
                    inputs.set(i, new SignalInput(in.signal(), in.aggregation(), in.target(), in.workloadValue(),
                            in.perReplicaValue(), in.ratio(), OptionalInt.of(context.currentReplicas()),
                            in.reporting(), SignalOutcome.WITHIN_TOLERANCE));
                }
            }
        }
    }

    /** A stateless rule that makes every voting signal propose {@code replicas}. */
    private static PolicyRule<Void> proposeAll(int replicas) {
        return (context, state, inputs) -> inputs.replaceAll(in -> in.voted()
                ? in.proposing(replicas, SignalOutcome.PROPOSED) : in);
    }

    @Test
    void aRuleGivenToTheCoreChangesItsDecisionsWithoutAChangeToTheCore() {
        PolicySpec spec = queueSpec(1, 10, 4);
        HpaCompatiblePolicy bare = new HpaCompatiblePolicy(clock, List.of());
        HpaCompatiblePolicy warming = new HpaCompatiblePolicy(clock, List.of(new WarmUp(2)));

        // 8 waiting per pod against 4 on 2 pods: the HPA asks for 4.
        assertThat(bare.decide("w", spec, 2, queues(T0, 0, 0, 8, 8)).desired()).isEqualTo(4);
        ScalingDecision first = warming.decide("w", spec, 2, queues(T0, 0, 0, 8, 8));
        assertThat(first.desired()).as(first.message()).isEqualTo(2);
        assertThat(first.reason()).isEqualTo(DecisionReason.WITHIN_TOLERANCE);
        assertThat(first.input(Signal.QUEUE).orElseThrow().outcome()).isEqualTo(SignalOutcome.WITHIN_TOLERANCE);
        assertThat(warming.decide("w", spec, 2, queues(T0, 0, 0, 8, 8)).desired()).isEqualTo(2);
        assertThat(warming.decide("w", spec, 2, queues(T0, 0, 0, 8, 8)).desired()).as("warmed up").isEqualTo(4);
    }

    @Test
    void aRulesStateIsMadeOncePerWorkloadKeptApartAndDroppedOnForget() {
        PolicySpec spec = queueSpec(1, 10, 4);
        WarmUp warmUp = new WarmUp(1);
        HpaCompatiblePolicy policy = new HpaCompatiblePolicy(clock, List.of(warmUp));

        assertThat(policy.decide("a", spec, 2, queues(T0, 0, 0, 8, 8)).desired()).isEqualTo(2);
        assertThat(policy.decide("a", spec, 2, queues(T0, 0, 0, 8, 8)).desired()).isEqualTo(4);
        assertThat(policy.decide("b", spec, 2, queues(T0, 0, 0, 8, 8)).desired()).as("b has its own state")
                .isEqualTo(2);
        assertThat(warmUp.statesMade).hasValue(2);

        policy.forget("a");
        assertThat(policy.decide("a", spec, 2, queues(T0, 0, 0, 8, 8)).desired()).as("a starts over").isEqualTo(2);
        assertThat(warmUp.statesMade).hasValue(3);
    }

    @Test
    void rulesRunInTheOrderGivenEachSeeingWhatTheOnesBeforeLeft() {
        PolicySpec spec = queueSpec(1, 10, 4);
        List<Integer> seen = new ArrayList<>();
        PolicyRule<Void> observe = (context, state, inputs) ->
                seen.add(inputs.get(0).proposedReplicas().orElseThrow());

        new HpaCompatiblePolicy(clock, List.of(proposeAll(7), observe)).decide("w", spec, 2, queues(T0, 0, 0, 8, 8));
        new HpaCompatiblePolicy(clock, List.of(observe, proposeAll(7))).decide("w", spec, 2, queues(T0, 0, 0, 8, 8));

        assertThat(seen).containsExactly(7, 4);
    }

    @Test
    void withoutRulesAnAlarmKeepsTheHpasArithmeticEvenUnderLoadSignalVoting() {
        PolicySpec queueOnly = PolicySpec.of(1, 20).withTargets(new SaturationTargets(Map.of(Signal.QUEUE, 4.0)));
        assertThat(queueOnly.scaleDownVoting()).isEqualTo(ScaleDownVoting.LOAD_SIGNALS);

        ScalingDecision core = new HpaCompatiblePolicy(clock, List.of()).decide("w", queueOnly, 2,
                queues(T0, 0, 0, 8, 8));
        ScalingDecision headroom = new HpaCompatiblePolicy(clock).decide("w", queueOnly, 2, queues(T0, 0, 0, 8, 8));

        assertThat(core.desired()).isEqualTo(4);
        assertThat(core.input(Signal.QUEUE).orElseThrow().outcome()).isEqualTo(SignalOutcome.PROPOSED);
        assertThat(headroom.desired()).isEqualTo(3);
        assertThat(headroom.input(Signal.QUEUE).orElseThrow().outcome()).isEqualTo(SignalOutcome.STEPPED);
    }

    @Test
    void theOneArgumentConstructorIsTheCoreWithHeadroomsRulesInTheirOrder() {
        assertThat(HeadroomRules.defaults()).extracting(r -> r.getClass().getSimpleName())
                .containsExactly("AlarmRule", "LearnedRateRule", "SloCapacityRule", "ForecastRule", "RiseReserveRule",
                        "BurstRule");

        PolicySpec queueOnly = PolicySpec.of(1, 20).withTargets(new SaturationTargets(Map.of(Signal.QUEUE, 4.0)))
                .withForecast(LoadForecast.ahead(Duration.ofSeconds(105)));
        HpaCompatiblePolicy byDefault = new HpaCompatiblePolicy(clock);
        HpaCompatiblePolicy composed = new HpaCompatiblePolicy(clock, HeadroomRules.defaults());
        Set<SignalOutcome> outcomes = EnumSet.noneOf(SignalOutcome.class);
        for (int t = 0; t < 20; t++) {
            // A queue above target, full replicas whose arrivals grow: steps, a learned target, a forecast.
            double arrivals = 10 + t;
            Map<Signal, Double> each = Map.of(Signal.QUEUE, t % 3 == 0 ? 9.0 : 1.0, Signal.ARRIVALS_PS, arrivals,
                    Signal.REQUESTS_PS, Math.min(arrivals, 12.0));
            List<ReplicaReport> reports = List.of(ReplicaReport.ready("a", fresh(clock.instant(), each)),
                    ReplicaReport.ready("b", fresh(clock.instant(), each)));
            WorkloadSnapshot snapshot = WorkloadSnapshot.of(clock.instant(), Fixtures.MAX_AGE, reports);
            ScalingDecision d = byDefault.decide("w", queueOnly, 2, snapshot);
            assertThat(composed.decide("w", queueOnly, 2, snapshot)).isEqualTo(d);
            d.signals().forEach(i -> outcomes.add(i.outcome()));
            clock.advance(Duration.ofSeconds(15));
        }
        // FORECAST can only be the learned arrivals_ps: the queue is the one target, and an alarm is not forecast.
        assertThat(outcomes).as("every rule had its part").contains(SignalOutcome.MEASURED_DEMAND,
                SignalOutcome.QUIET, SignalOutcome.FORECAST);
    }

    @Test
    void oneWorkloadsDecisionsAreSerialisedSoARulesStateNeedsNoLockOfItsOwn() throws Exception {
        PolicySpec spec = queueSpec(1, 10, 4);
        WarmUp counting = new WarmUp(Integer.MAX_VALUE);
        List<int[]> states = new ArrayList<>();
        PolicyRule<int[]> keep = new PolicyRule<>() {
            @Override
            public int[] newState() {
                int[] s = counting.newState();
                states.add(s);
                return s;
            }

            @Override
            public void apply(RuleContext context, int[] state, List<SignalInput> inputs) {
                counting.apply(context, state, inputs);
            }
        };
        HpaCompatiblePolicy policy = new HpaCompatiblePolicy(clock, List.of(keep));
        WorkloadSnapshot snapshot = queues(T0, 0, 0, 8, 8);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int thread = 0; thread < 4; thread++) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 2_000; i++) {
                        policy.decide("w", spec, 2, snapshot);
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(states).hasSize(1);
        assertThat(states.get(0)[0]).as("no increment lost").isEqualTo(8_000);
    }

    @Test
    void theRuleListIsCopiedAndMayNotBeNull() {
        List<PolicyRule<?>> rules = new ArrayList<>();
        HpaCompatiblePolicy policy = new HpaCompatiblePolicy(clock, rules);
        rules.add(proposeAll(9));
        assertThat(policy.decide("w", queueSpec(1, 10, 4), 2, queues(T0, 0, 0, 8, 8)).desired()).isEqualTo(4);
        assertThatThrownBy(() -> new HpaCompatiblePolicy(clock, null)).hasMessageContaining("rules");
        assertThatThrownBy(() -> new HpaCompatiblePolicy(null, List.of())).hasMessageContaining("clock");
    }
}
