package dev.headroom.autoscaler.kubernetes;

import dev.headroom.autoscaler.kubernetes.crd.ScalingMode;
import dev.headroom.autoscaler.loop.ScaleTarget;
import dev.headroom.autoscaler.policy.DecisionReason;
import dev.headroom.autoscaler.policy.PolicySpec;
import dev.headroom.autoscaler.policy.ScalingDecision;
import dev.headroom.signals.Signal;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** Which HPA condition each decision reason and failure sets, and when a transition time moves. */
class PolicyConditionsTest {

    static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");
    static final WorkloadKey KEY = new WorkloadKey("llm", "engine");
    static final ScaleTarget TARGET = new ScaleTarget("apps/v1", "Deployment", "llm", "engine");

    /** From {@code current}: {@code recommended}, {@code stabilised} after the windows, {@code desired} to set. */
    static WorkloadDecision made(ScalingMode mode, int current, int recommended, int stabilised, int desired,
                                 DecisionReason reason, boolean acted, Optional<String> error) {
        ScalingDecision d = new ScalingDecision(KEY.toString(), T0, current, recommended, stabilised, desired, reason,
                Optional.of(Signal.KV_UTILIZATION), List.of(), current, 0, 0, "decided");
        return new WorkloadDecision(KEY, TARGET, mode, PolicySpec.of(2, 8), current, d, acted, error);
    }

    static List<PolicyConditions.Found> decided(WorkloadDecision made) {
        return PolicyConditions.decided(made, Duration.ofSeconds(1));
    }

    @Test
    void eachDecisionReasonSetsTheConditionTheHpaWould() {
        assertThat(decided(made(ScalingMode.DIRECT, 4, 6, 6, 5, DecisionReason.LIMITED_BY_RATE, true,
                Optional.empty()))).extracting(PolicyConditions.Found::reason)
                .containsExactly("SucceededRescale", "ValidMetricFound", "ScaleUpLimit", "Deciding");
        assertThat(decided(made(ScalingMode.DIRECT, 6, 2, 2, 4, DecisionReason.LIMITED_BY_RATE, true,
                Optional.empty()))).extracting(PolicyConditions.Found::reason)
                .containsExactly("SucceededRescale", "ValidMetricFound", "ScaleDownLimit", "Deciding");
        assertThat(decided(made(ScalingMode.DIRECT, 6, 3, 6, 6, DecisionReason.STABILISED, false,
                Optional.empty()))).extracting(PolicyConditions.Found::reason)
                .containsExactly("ScaleDownStabilized", "ValidMetricFound", "DesiredWithinRange", "Deciding");
        assertThat(decided(made(ScalingMode.DIRECT, 2, 1, 1, 2, DecisionReason.AT_MIN, false, Optional.empty())))
                .extracting(PolicyConditions.Found::type, PolicyConditions.Found::status,
                        PolicyConditions.Found::reason)
                .contains(tuple("ScalingLimited", "True", "TooFewReplicas"));
        assertThat(decided(made(ScalingMode.DIRECT, 0, 0, 0, 0, DecisionReason.SCALING_DISABLED, false,
                Optional.empty()))).extracting(PolicyConditions.Found::type, PolicyConditions.Found::status,
                PolicyConditions.Found::reason).contains(tuple("ScalingActive", "False", "ScalingDisabled"));
        assertThat(decided(made(ScalingMode.DIRECT, 3, 3, 3, 3, DecisionReason.HELD_NO_DATA, false,
                Optional.empty()))).extracting(PolicyConditions.Found::type, PolicyConditions.Found::status,
                PolicyConditions.Found::reason).contains(tuple("ScalingActive", "False", "FailedGetSignals"));
    }

    @Test
    void aFailedWriteIsAbleToScaleFalseAndNotReady() {
        List<PolicyConditions.Found> found = decided(made(ScalingMode.DIRECT, 2, 3, 3, 3, DecisionReason.SCALE_UP,
                false, Optional.of("HTTP 403 forbidden")));
        assertThat(found).extracting(PolicyConditions.Found::type, PolicyConditions.Found::status,
                PolicyConditions.Found::reason, PolicyConditions.Found::message).containsExactly(
                tuple("AbleToScale", "False", "FailedUpdateScale", "HTTP 403 forbidden"),
                tuple("ScalingActive", "True", "ValidMetricFound",
                        "the replica count was computed from the kv_utilization signal"),
                tuple("ScalingLimited", "False", "DesiredWithinRange",
                        "the desired count is within the acceptable range"),
                tuple("Ready", "False", "FailedUpdateScale", "HTTP 403 forbidden"));
    }

    @Test
    void aModeThatDoesNotScaleHereIsReadyForNewScaleAndSaysWhoScales() {
        assertThat(decided(made(ScalingMode.DRY_RUN, 2, 3, 3, 3, DecisionReason.SCALE_UP, false, Optional.empty()))
                .get(0).message()).contains("never scaled");
        assertThat(decided(made(ScalingMode.KEDA, 2, 3, 3, 3, DecisionReason.SCALE_UP, false, Optional.empty()))
                .get(0)).satisfies(c -> {
                    assertThat(c.reason()).isEqualTo("ReadyForNewScale");
                    assertThat(c.message()).contains("KEDA scales");
                });
    }

    @Test
    void aFailureKeepsWhatItCouldNotEvaluateAndMarksTheRestUnknown() {
        Condition active = new ConditionBuilder().withType("ScalingActive").withStatus("True")
                .withReason("ValidMetricFound").withMessage("from queue").withLastTransitionTime(T0.toString())
                .build();
        List<PolicyConditions.Found> found = PolicyConditions.failed(PolicyConditions.Failure.FAILED_GET_SCALE,
                "cannot read the scale", List.of(active));
        assertThat(found).extracting(PolicyConditions.Found::type, PolicyConditions.Found::status,
                PolicyConditions.Found::reason).containsExactly(
                tuple("AbleToScale", "False", "FailedGetScale"),
                tuple("ScalingActive", "True", "ValidMetricFound"),
                tuple("ScalingLimited", "Unknown", "FailedGetScale"),
                tuple("Ready", "False", "FailedGetScale"));
    }

    @Test
    void aTransitionTimeMovesOnlyWithItsStatus() {
        Instant later = T0.plusSeconds(60);
        List<Condition> before = PolicyConditions.stamped(List.of(
                new PolicyConditions.Found("AbleToScale", "True", "SucceededRescale", "scaled"),
                new PolicyConditions.Found("ScalingLimited", "False", "DesiredWithinRange", "in range")), List.of(),
                T0, 1L);

        List<Condition> after = PolicyConditions.stamped(List.of(
                new PolicyConditions.Found("AbleToScale", "True", "ReadyForNewScale", "ready"),
                new PolicyConditions.Found("ScalingLimited", "True", "TooManyReplicas", "at max")), before, later, 2L);

        assertThat(after).extracting(Condition::getReason, Condition::getLastTransitionTime,
                Condition::getObservedGeneration).containsExactly(
                tuple("ReadyForNewScale", T0.toString(), 2L),
                tuple("TooManyReplicas", later.toString(), 2L));
    }
}
