package dev.headroom.autoscaler.policy;

import dev.headroom.signals.SaturationTargets;
import dev.headroom.signals.Signal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.headroom.autoscaler.policy.DecisionReason.AT_MAX;
import static dev.headroom.autoscaler.policy.DecisionReason.AT_MIN;
import static dev.headroom.autoscaler.policy.DecisionReason.HELD_MISSING_DATA;
import static dev.headroom.autoscaler.policy.DecisionReason.HELD_NO_DATA;
import static dev.headroom.autoscaler.policy.DecisionReason.LIMITED_BY_RATE;
import static dev.headroom.autoscaler.policy.DecisionReason.SCALE_DOWN;
import static dev.headroom.autoscaler.policy.DecisionReason.SCALE_UP;
import static dev.headroom.autoscaler.policy.DecisionReason.SCALING_DISABLED;
import static dev.headroom.autoscaler.policy.DecisionReason.STABILISED;
import static dev.headroom.autoscaler.policy.DecisionReason.WITHIN_TOLERANCE;
import static dev.headroom.autoscaler.policy.Fixtures.T0;
import static dev.headroom.autoscaler.policy.Fixtures.fresh;
import static dev.headroom.autoscaler.policy.Fixtures.queueSpec;
import static dev.headroom.autoscaler.policy.Fixtures.queues;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class HpaCompatiblePolicyTest {

    private final Fixtures.ManualClock clock = new Fixtures.ManualClock(T0);
    private final HpaCompatiblePolicy policy = new HpaCompatiblePolicy(clock);

    static Stream<Arguments> firstDecisions() {
        // source, min, max, current, queue per fresh pod (target 4), missing, not ready, expected, reason
        return Stream.of(
                arguments("k8s TestScaleUpRCImmediately: below min", 2, 6, 1, new double[]{0}, 0, 0, 2, AT_MIN),
                arguments("k8s TestScaleDownRCImmediately: above max", 2, 5, 6, new double[]{8, 8, 8, 8, 8, 8}, 0, 0, 5,
                        AT_MAX),
                arguments("k8s reconcileAutoscaler: zero replicas with min > 0 is left alone", 1, 5, 0, new double[]{},
                        0, 0, 0, SCALING_DISABLED),
                arguments("queue 8 per pod on 2 → 4", 1, 10, 2, new double[]{8, 8}, 0, 0, 4, SCALE_UP),
                arguments("queue 30 per pod on 2: at most max(4 pods, 100 %) → 6", 1, 100, 2, new double[]{30, 30}, 0,
                        0, 6, LIMITED_BY_RATE),
                arguments("queue 30 per pod on 2, max 5 → 5", 1, 5, 2, new double[]{30, 30}, 0, 0, 5, AT_MAX),
                arguments("scale-down with no recommendation left in the window", 1, 10, 4, new double[]{1, 1, 1, 1},
                        0, 0, 1, SCALE_DOWN),
                arguments("scale-down floored at min", 3, 10, 4, new double[]{1, 1, 1, 1}, 0, 0, 3, AT_MIN),
                arguments("within tolerance", 1, 10, 4, new double[]{4.2, 4.2, 4, 4}, 0, 0, 4, WITHIN_TOLERANCE),
                arguments("one ready pod without data: no scale-down", 1, 10, 4, new double[]{0, 0, 0}, 1, 0, 4,
                        HELD_MISSING_DATA),
                // (6 × 3 + 4) / 4 = 5.5 per pod → 6; the HPA, counting the pod as idle, would reach 5.
                arguments("one ready pod without data: scale-up goes on, that pod at target", 1, 20, 4,
                        new double[]{6, 6, 6}, 1, 0, 6, SCALE_UP),
                arguments("every ready pod without data: hold", 1, 10, 4, new double[]{}, 4, 0, 4, HELD_NO_DATA),
                arguments("only pods loading weights: hold", 1, 10, 3, new double[]{}, 0, 3, 3, HELD_NO_DATA),
                arguments("pods loading weights absorb the load they will take", 1, 10, 4, new double[]{8, 8}, 0, 2, 4,
                        WITHIN_TOLERANCE),
                arguments("pods loading weights are not idle on a scale-down", 1, 10, 6, new double[]{1, 1}, 0, 4, 1,
                        SCALE_DOWN));
    }

    @ParameterizedTest(name = "{0}: {3} → {7} ({8})")
    @MethodSource("firstDecisions")
    void firstDecision(String source, int min, int max, int current, double[] queue, int missing, int notReady,
                       int expected, DecisionReason reason) {
        PolicySpec spec = queueSpec(min, max, 4);
        ScalingDecision d = Fixtures.watchedSinceBeforeTheWindow("ns/llm", spec, current).decide("ns/llm", spec,
                current, queues(T0, missing, notReady, queue));
        assertThat(d.desired()).as(d.message()).isEqualTo(expected);
        assertThat(d.reason()).as(d.message()).isEqualTo(reason);
        assertThat(d.current()).isEqualTo(current);
        assertThat(d.readyFresh()).isEqualTo(queue.length);
        assertThat(d.readyMissing()).isEqualTo(missing);
        assertThat(d.notReady()).isEqualTo(notReady);
        assertThat(d.message()).isNotBlank().doesNotContain("\n");
    }

    @Test
    void severalSignalsTakeTheMaximumAndNameTheDominantOne() {
        PolicySpec spec = PolicySpec.of(1, 20); // KV 0.8, queue 4, TTFT p95 2 s, ITL p95 0.1 s
        WorkloadSnapshot snap = WorkloadSnapshot.of(T0, Fixtures.MAX_AGE, List.of(
                ReplicaReport.ready("a", fresh(T0, Map.of(Signal.KV_UTILIZATION, 0.96, Signal.QUEUE, 2.0,
                        Signal.TTFT_P95, 1.0))),
                ReplicaReport.ready("b", fresh(T0, Map.of(Signal.KV_UTILIZATION, 0.96, Signal.QUEUE, 6.0,
                        Signal.TTFT_P95, 3.0)))));
        ScalingDecision d = policy.decide("ns/llm", spec, 2, snap);
        // KV: mean 0.96 / 0.8 = 1.2 → ceil(2.4) = 3; queue: 8 total, 4 per pod → within; TTFT: 2.0 / 2.0 → within.
        assertThat(d.desired()).isEqualTo(3);
        assertThat(d.reason()).isEqualTo(SCALE_UP);
        assertThat(d.dominant()).contains(Signal.KV_UTILIZATION);
        SignalInput kv = d.input(Signal.KV_UTILIZATION).orElseThrow();
        assertThat(kv.ratio().orElseThrow()).isCloseTo(1.2, within(1e-9));
        assertThat(kv.proposedReplicas()).hasValue(3);
        assertThat(kv.aggregation()).isEqualTo(Aggregation.MEAN);
        SignalInput queue = d.input(Signal.QUEUE).orElseThrow();
        assertThat(queue.workloadValue()).hasValue(8.0);
        assertThat(queue.perReplicaValue()).hasValue(4.0);
        assertThat(queue.outcome()).isEqualTo(SignalOutcome.WITHIN_TOLERANCE);
        assertThat(d.input(Signal.ITL_P95).orElseThrow().outcome()).as("unknown ITL does not vote")
                .isEqualTo(SignalOutcome.NO_DATA);
        assertThat(d.message()).startsWith("scale up 2 → 3: kv_utilization 0.9600 per replica against target 0.8000");
    }

    @Test
    void scaleDownWaitsForTheWindowAndTheHighestRecentRecommendationWins() {
        PolicySpec spec = queueSpec(1, 20, 4);
        String w = "ns/llm";
        // t=0: 8 pods at queue 4 → within tolerance, recommendation 8.
        assertThat(policy.decide(w, spec, 8, queues(T0, 0, 0, 4, 4, 4, 4, 4, 4, 4, 4)).desired()).isEqualTo(8);
        clock.advance(Duration.ofSeconds(60));
        // t=60: load halves → recommends 4, but 8 was recommended within 300 s.
        ScalingDecision held = policy.decide(w, spec, 8, queues(clock.instant(), 0, 0, 2, 2, 2, 2, 2, 2, 2, 2));
        assertThat(held.recommended()).isEqualTo(4);
        assertThat(held.desired()).isEqualTo(8);
        assertThat(held.reason()).isEqualTo(STABILISED);
        clock.advance(Duration.ofSeconds(120));
        // t=180: recommends 2; highest in the window is still 8.
        assertThat(policy.decide(w, spec, 8, queues(clock.instant(), 0, 0, 1, 1, 1, 1, 1, 1, 1, 1)).desired())
                .isEqualTo(8);
        clock.advance(Duration.ofSeconds(120));
        // t=300: the t=0 recommendation sits exactly on the cutoff and no longer counts; highest is 4 (t=60).
        ScalingDecision partly = policy.decide(w, spec, 8, queues(clock.instant(), 0, 0, 1, 1, 1, 1, 1, 1, 1, 1));
        assertThat(partly.desired()).isEqualTo(4);
        assertThat(partly.reason()).isEqualTo(STABILISED);
        policy.recordScale(w, spec, 8, 4);
        clock.advance(Duration.ofSeconds(180));
        // t=480: everything in the window recommends 2 (t=180, 300, now).
        ScalingDecision down = policy.decide(w, spec, 4, queues(clock.instant(), 0, 0, 2, 2, 2, 2));
        assertThat(down.desired()).isEqualTo(2);
        assertThat(down.reason()).isEqualTo(SCALE_DOWN);
    }

    @Test
    void scaleUpIsRateLimitedPerPeriodUntilTheEventsAgeOut() {
        PolicySpec spec = queueSpec(1, 100, 4);
        String w = "ns/llm";
        ScalingDecision first = policy.decide(w, spec, 2, queues(T0, 0, 0, 40, 40));
        assertThat(first.recommended()).isEqualTo(20);
        assertThat(first.desired()).isEqualTo(6); // max(2 + 4, 2 × 2)
        assertThat(first.reason()).isEqualTo(LIMITED_BY_RATE);
        policy.recordScale(w, spec, 2, 6);
        clock.advance(Duration.ofSeconds(5));
        // Within the same 15 s the period started at 2: still at most 6.
        ScalingDecision again = policy.decide(w, spec, 6, queues(clock.instant(), 0, 0, 40, 40, 40, 40, 40, 40));
        assertThat(again.desired()).isEqualTo(6);
        assertThat(again.reason()).isEqualTo(LIMITED_BY_RATE);
        clock.advance(Duration.ofSeconds(11));
        ScalingDecision later = policy.decide(w, spec, 6, queues(clock.instant(), 0, 0, 40, 40, 40, 40, 40, 40));
        assertThat(later.desired()).isEqualTo(12); // max(6 + 4, 6 × 2)
    }

    @Test
    void aWorkloadSeenForTheFirstTimeIsNotScaledDownWithinTheFirstWindow() {
        // kubernetes recordInitialRecommendation: a controller that has just started (or just became leader)
        // cannot know what the last 300 s recommended, so the count it finds is remembered as a recommendation.
        PolicySpec spec = queueSpec(1, 10, 4);
        ScalingDecision first = policy.decide("w", spec, 4, queues(T0, 0, 0, 1, 1, 1, 1));
        assertThat(first.recommended()).isEqualTo(1);
        assertThat(first.desired()).isEqualTo(4);
        assertThat(first.reason()).isEqualTo(STABILISED);
        clock.advance(Duration.ofSeconds(299));
        assertThat(policy.decide("w", spec, 4, queues(clock.instant(), 0, 0, 1, 1, 1, 1)).desired()).isEqualTo(4);
        clock.advance(Duration.ofSeconds(1));
        ScalingDecision later = policy.decide("w", spec, 4, queues(clock.instant(), 0, 0, 1, 1, 1, 1));
        assertThat(later.desired()).as(later.message()).isEqualTo(1);
        assertThat(later.reason()).isEqualTo(SCALE_DOWN);
    }

    @Test
    void theInitialRecommendationDoesNotHoldAScaleUpAndIsRecordedOnce() {
        PolicySpec spec = queueSpec(1, 10, 4);
        ScalingDecision up = policy.decide("w", spec, 2, queues(T0, 0, 0, 8, 8));
        assertThat(up.desired()).isEqualTo(4);
        assertThat(up.reason()).isEqualTo(SCALE_UP);
        policy.recordScale("w", spec, 2, 4);
        // The seed (2) and the first recommendation (4); a later decision adds only its own.
        assertThat(policy.rememberedRecommendations("w")).isEqualTo(2);
        clock.advance(Duration.ofSeconds(15));
        policy.decide("w", spec, 4, queues(clock.instant(), 0, 0, 4, 4, 4, 4));
        assertThat(policy.rememberedRecommendations("w")).isEqualTo(3);
        // forget() is a new controller's view: the next decision seeds again.
        policy.forget("w");
        ScalingDecision afresh = policy.decide("w", spec, 4, queues(clock.instant(), 0, 0, 1, 1, 1, 1));
        assertThat(afresh.desired()).isEqualTo(4);
        assertThat(afresh.reason()).isEqualTo(STABILISED);
    }

    @Test
    void heldDecisionsLeaveNoRecommendationBehind() {
        PolicySpec spec = queueSpec(1, 10, 4);
        policy.decide("w", spec, 4, queues(T0, 4, 0));
        assertThat(policy.rememberedRecommendations("w")).as("only the initial recommendation").isEqualTo(1);
        policy.decide("w", spec, 4, queues(T0, 0, 0, 4, 4, 4, 4));
        assertThat(policy.rememberedRecommendations("w")).isEqualTo(2);
        policy.forget("w");
        assertThat(policy.rememberedRecommendations("w")).isZero();
    }

    @Test
    void historyStaysBoundedByTheWindowsOverALongRun() {
        PolicySpec spec = queueSpec(1, 10, 4);
        for (int i = 0; i < 2000; i++) {
            policy.decide("w", spec, 4, queues(clock.instant(), 0, 0, 4, 4, 4, 4));
            clock.advance(Duration.ofSeconds(1));
        }
        // 300 s scale-down window at one decision a second.
        assertThat(policy.rememberedRecommendations("w")).isBetween(299, 301);
    }

    @Test
    void workloadsAreKeptApart() {
        PolicySpec spec = queueSpec(1, 10, 4);
        policy.decide("a", spec, 8, queues(T0, 0, 0, 4, 4, 4, 4, 4, 4, 4, 4));
        ScalingDecision b = policy.decide("b", spec, 3, queues(T0, 0, 0, 1, 1, 1));
        assertThat(b.recommended()).isEqualTo(1);
        assertThat(b.desired()).as("a's recommendation of 8 does not stabilise b; b's own first count does")
                .isEqualTo(3);
    }

    @Test
    void badArgumentsAreRefusedByName() {
        assertThatThrownBy(() -> policy.decide("w", queueSpec(1, 10, 4), -1, queues(T0, 0, 0, 1)))
                .hasMessageContaining("current replicas");
        assertThatThrownBy(() -> PolicySpec.of(3, 2)).hasMessageContaining("maxReplicas");
        assertThatThrownBy(() -> PolicySpec.of(1, 2).withTargets(new SaturationTargets(Map.of())))
                .hasMessageContaining("at least one signal");
        assertThatThrownBy(() -> RatePolicy.pods(0, Duration.ofSeconds(15))).hasMessageContaining("positive");
        assertThatThrownBy(() -> RatePolicy.percent(10, Duration.ofSeconds(1801))).hasMessageContaining("1800");
        assertThatThrownBy(() -> ScalingRules.defaultScaleDown().withStabilizationWindow(Duration.ofHours(2)))
                .hasMessageContaining("3600");
        assertThatThrownBy(() -> ScalingRules.defaultScaleUp().withPolicies(SelectPolicy.MAX, List.of()))
                .hasMessageContaining("at least one rate policy");
        assertThatThrownBy(() -> ScalingRules.defaultScaleUp().withTolerance(Double.NaN))
                .hasMessageContaining("tolerance");
    }

    @Test
    void defaultsAreTheHpas() {
        ScalingRules up = ScalingRules.defaultScaleUp();
        assertThat(up.stabilizationWindow()).isZero();
        assertThat(up.selectPolicy()).isEqualTo(SelectPolicy.MAX);
        assertThat(up.policies()).containsExactly(RatePolicy.pods(4, Duration.ofSeconds(15)),
                RatePolicy.percent(100, Duration.ofSeconds(15)));
        ScalingRules down = ScalingRules.defaultScaleDown();
        assertThat(down.stabilizationWindow()).isEqualTo(Duration.ofSeconds(300));
        assertThat(down.policies()).containsExactly(RatePolicy.percent(100, Duration.ofSeconds(15)));
        assertThat(up.tolerance()).isEqualTo(0.1);
        assertThat(down.tolerance()).isEqualTo(0.1);
    }
}
