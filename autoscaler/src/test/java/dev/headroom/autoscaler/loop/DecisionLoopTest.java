package dev.headroom.autoscaler.loop;

import dev.headroom.autoscaler.policy.DecisionReason;
import dev.headroom.autoscaler.policy.PolicySpec;
import dev.headroom.autoscaler.policy.ScalingDecision;
import dev.headroom.autoscaler.policy.ScalingPolicy;
import dev.headroom.autoscaler.policy.WorkloadSnapshot;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The loop's own contract, with a policy that answers a set count and an actuator whose answer the test sets:
 * what is scaled, what is recorded, what the outcome says.
 */
class DecisionLoopTest {

    static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");
    static final String WORKLOAD = "llm/engine";
    static final ScaleTarget TARGET = new ScaleTarget("apps/v1", "Deployment", "llm", "engine");
    static final PolicySpec SPEC = PolicySpec.of(1, 10);
    static final WorkloadSnapshot SNAPSHOT = WorkloadSnapshot.of(T0, Duration.ofSeconds(5), List.of());

    /** Decides {@code desired} whatever it sees; remembers what it was told was scaled. */
    static final class FixedPolicy implements ScalingPolicy {
        final int desired;
        final List<String> recorded = new ArrayList<>();

        FixedPolicy(int desired) {
            this.desired = desired;
        }

        @Override
        public ScalingDecision decide(String workload, PolicySpec spec, int current, WorkloadSnapshot snapshot) {
            DecisionReason reason = desired > current ? DecisionReason.SCALE_UP
                    : desired < current ? DecisionReason.SCALE_DOWN : DecisionReason.WITHIN_TOLERANCE;
            return new ScalingDecision(workload, snapshot.at(), current, desired, desired, desired, reason,
                    Optional.empty(), List.of(), 0, 0, 0, "decided " + desired);
        }

        @Override
        public void recordScale(String workload, PolicySpec spec, int from, int to) {
            recorded.add(workload + " " + from + "→" + to);
        }

        @Override
        public void forget(String workload) {
            recorded.add("forget " + workload);
        }
    }

    /** Finds {@code found} replicas when it writes, or fails with {@code failure}; remembers every write. */
    static final class ScriptedActuator implements ScaleActuator {
        final List<Integer> writes = new ArrayList<>();
        Integer found;
        ScaleException failure;

        @Override
        public int currentReplicas(ScaleTarget target) {
            throw new AssertionError("the loop is given the current count; it does not read it");
        }

        @Override
        public Scaled scale(ScaleTarget target, int replicas) throws ScaleException {
            writes.add(replicas);
            if (failure != null) {
                throw failure;
            }
            return new Scaled(found, replicas, 1);
        }
    }

    @Test
    void aChangeIsScaledThenRecordedWhenTheRoundActs() {
        FixedPolicy policy = new FixedPolicy(6);
        ScriptedActuator actuator = new ScriptedActuator();
        actuator.found = 2;

        LoopOutcome outcome = new DecisionLoop(policy, actuator).run(WORKLOAD, TARGET, SPEC, 2, SNAPSHOT, true);

        assertThat(actuator.writes).containsExactly(6);
        assertThat(policy.recorded).containsExactly("llm/engine 2→6");
        assertThat(outcome.acted()).isTrue();
        assertThat(outcome.from()).isEqualTo(2);
        assertThat(outcome.to()).isEqualTo(6);
        assertThat(outcome.desired()).isEqualTo(6);
        assertThat(outcome.actionError()).isEmpty();
        assertThat(outcome.decision().reason()).isEqualTo(DecisionReason.SCALE_UP);
    }

    @Test
    void theRecordedScaleIsTheOneTheActuatorFoundNotTheCountTheRoundWasGiven() {
        // Someone scaled the target between the read and the write: the write's own reading is what happened.
        FixedPolicy policy = new FixedPolicy(6);
        ScriptedActuator actuator = new ScriptedActuator();
        actuator.found = 3;

        LoopOutcome outcome = new DecisionLoop(policy, actuator).run(WORKLOAD, TARGET, SPEC, 2, SNAPSHOT, true);

        assertThat(policy.recorded).containsExactly("llm/engine 3→6");
        assertThat(outcome.from()).isEqualTo(3);
        assertThat(outcome.to()).isEqualTo(6);
    }

    @Test
    void aWriteThatFindsTheCountAlreadySetIsRecordedButDidNotAct() {
        FixedPolicy policy = new FixedPolicy(6);
        ScriptedActuator actuator = new ScriptedActuator();
        actuator.found = 6;

        LoopOutcome outcome = new DecisionLoop(policy, actuator).run(WORKLOAD, TARGET, SPEC, 2, SNAPSHOT, true);

        assertThat(policy.recorded).containsExactly("llm/engine 6→6");
        assertThat(outcome.acted()).isFalse();
        assertThat(outcome.from()).isEqualTo(6);
        assertThat(outcome.to()).isEqualTo(6);
        assertThat(outcome.actionError()).isEmpty();
    }

    @Test
    void aFailedScaleRecordsNothingAndTheOutcomeCarriesTheError() {
        FixedPolicy policy = new FixedPolicy(6);
        ScriptedActuator actuator = new ScriptedActuator();
        actuator.failure = new ScaleException(ScaleException.Kind.RETRIES_EXHAUSTED, 5,
                "Deployment llm/engine: 5 tries failed, last: HTTP 503 unavailable", null);

        LoopOutcome outcome = new DecisionLoop(policy, actuator).run(WORKLOAD, TARGET, SPEC, 2, SNAPSHOT, true);

        assertThat(actuator.writes).containsExactly(6);
        assertThat(policy.recorded).isEmpty();
        assertThat(outcome.acted()).isFalse();
        assertThat(outcome.from()).isEqualTo(2);
        assertThat(outcome.to()).isEqualTo(2);
        assertThat(outcome.actionError()).contains("Deployment llm/engine: 5 tries failed, last: HTTP 503 unavailable");
        assertThat(outcome.desired()).as("the decision stands, to be explained").isEqualTo(6);
    }

    @Test
    void aRoundThatDoesNotActDecidesButNeitherScalesNorRecords() {
        FixedPolicy policy = new FixedPolicy(6);
        ScriptedActuator actuator = new ScriptedActuator();

        LoopOutcome outcome = new DecisionLoop(policy, actuator).run(WORKLOAD, TARGET, SPEC, 2, SNAPSHOT, false);

        assertThat(actuator.writes).isEmpty();
        assertThat(policy.recorded).isEmpty();
        assertThat(outcome.decision().changes()).isTrue();
        assertThat(outcome.desired()).isEqualTo(6);
        assertThat(outcome.acted()).isFalse();
        assertThat(outcome.from()).isEqualTo(2);
        assertThat(outcome.to()).isEqualTo(2);
        assertThat(outcome.actionError()).isEmpty();
    }

    @Test
    void aDecisionThatKeepsTheCountNeverReachesTheActuator() {
        FixedPolicy policy = new FixedPolicy(2);
        ScriptedActuator actuator = new ScriptedActuator();

        LoopOutcome outcome = new DecisionLoop(policy, actuator).run(WORKLOAD, TARGET, SPEC, 2, SNAPSHOT, true);

        assertThat(actuator.writes).isEmpty();
        assertThat(policy.recorded).isEmpty();
        assertThat(outcome.acted()).isFalse();
        assertThat(outcome.to()).isEqualTo(2);
    }

    @Test
    void forgettingAWorkloadReachesThePolicy() {
        FixedPolicy policy = new FixedPolicy(2);

        new DecisionLoop(policy, new ScriptedActuator()).forget(WORKLOAD);

        assertThat(policy.recorded).containsExactly("forget llm/engine");
    }

    @Test
    void anOutcomeThatContradictsItselfIsRefused() {
        ScalingDecision d = new FixedPolicy(6).decide(WORKLOAD, SPEC, 2, SNAPSHOT);

        assertThatThrownBy(() -> new LoopOutcome(d, true, 2, 2, Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("acted is true");
        assertThatThrownBy(() -> new LoopOutcome(d, false, 2, 6, Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 → 6");
        assertThatThrownBy(() -> new LoopOutcome(d, true, 2, 6, Optional.of("HTTP 403")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("did not act");
    }

    @Test
    void aScaleInIsMarkedBeforeTheWriteAndAScaleUpOrAHeldRoundIsNot() {
        List<String> order = new ArrayList<>();
        ScriptedActuator actuator = new ScriptedActuator();
        actuator.found = 4;
        VictimMarker marker = (target, from, to) -> {
            order.add("mark " + from + "→" + to + " after writes " + actuator.writes);
            return ScaleInMarks.notMarked(ScaleInRanking.EMPTY, from - to, "test");
        };

        LoopOutcome in = new DecisionLoop(new FixedPolicy(2), actuator).run(WORKLOAD, TARGET, SPEC, 4, SNAPSHOT, true,
                marker);
        assertThat(order).containsExactly("mark 4→2 after writes []");
        assertThat(actuator.writes).containsExactly(2);
        assertThat(in.scaleIn()).hasValueSatisfying(m -> assertThat(m.removing()).isEqualTo(2));

        order.clear();
        assertThat(new DecisionLoop(new FixedPolicy(6), actuator).run(WORKLOAD, TARGET, SPEC, 4, SNAPSHOT, true,
                marker).scaleIn()).isEmpty();
        assertThat(new DecisionLoop(new FixedPolicy(2), actuator).run(WORKLOAD, TARGET, SPEC, 4, SNAPSHOT, false,
                marker).scaleIn()).as("a round that does not act marks nothing").isEmpty();
        assertThat(order).as("no marking after the first scale-in").isEmpty();
        assertThat(actuator.writes).containsExactly(2, 6);
    }
}
