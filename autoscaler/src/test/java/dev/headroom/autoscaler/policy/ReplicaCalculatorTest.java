package dev.headroom.autoscaler.policy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static dev.headroom.autoscaler.policy.SignalOutcome.HELD_MISSING_DATA;
import static dev.headroom.autoscaler.policy.SignalOutcome.PROPOSED;
import static dev.headroom.autoscaler.policy.SignalOutcome.WITHIN_TOLERANCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * One signal's proposal, against the cases of Kubernetes' {@code replica_calculator_test.go} (values and
 * targets in milli-units, as there) and against Headroom's own fail-safe rules where it differs.
 */
class ReplicaCalculatorTest {

    private static final Behavior DEFAULT = Behavior.defaults();

    static Stream<Arguments> cases() {
        return Stream.of(
                // source, current, target, values, missing, withoutValue, notReady, tolerance(up=down), expected, outcome
                arguments("k8s TestReplicaCalcScaleUpCM", 3, 15000, new long[]{20000, 10000, 30000}, 0, 0, 0, 0.1, 4,
                        PROPOSED),
                arguments("k8s TestReplicaCalcScaleDownCM", 5, 20000, new long[]{12000, 12000, 12000, 12000, 12000}, 0,
                        0, 0, 0.1, 3, PROPOSED),
                arguments("k8s TestReplicaCalcToleranceCM (ratio 1.033)", 3, 20000, new long[]{20000, 21000, 21000}, 0,
                        0, 0, 0.1, 3, WITHIN_TOLERANCE),
                arguments("k8s TestReplicaCalcConfigurableToleranceCM (up tolerance 0.01)", 3, 20000,
                        new long[]{20000, 21000, 21000}, 0, 0, 0, 0.01, 4, PROPOSED),
                arguments("k8s TestPlainMetricReplicaCalcMissingMetricsNoChangeEq (2 of 5 missing, ratio 1.0)", 5,
                        20000, new long[]{20000, 19000, 21000}, 2, 0, 0, 0.1, 5, WITHIN_TOLERANCE),
                arguments("k8s TestReplicaCalcScaleUpCMUnreadyLessScale (unready counts 0 on scale-up)", 3, 15000,
                        new long[]{50000, 10000}, 0, 0, 1, 0.1, 4, PROPOSED),
                arguments("tolerance edge: ratio exactly 1.1 stays", 4, 4000, new long[]{4400, 4400, 4400, 4400}, 0, 0,
                        0, 0.1, 4, WITHIN_TOLERANCE),
                arguments("tolerance edge: ratio 1.101 scales up", 4, 4000, new long[]{4404, 4404, 4404, 4404}, 0, 0, 0,
                        0.1, 5, PROPOSED),
                arguments("tolerance edge: ratio exactly 0.9 stays", 10, 4000, repeat(3600, 10), 0, 0, 0, 0.1, 10,
                        WITHIN_TOLERANCE),
                arguments("tolerance edge: ratio 0.899 scales down", 10, 4000, repeat(3596, 10), 0, 0, 0, 0.1, 9,
                        PROPOSED),
                arguments("ratio 0.93 would round back up to the current count", 4, 4000, repeat(3720, 4), 0, 0, 0,
                        0.0, 4, WITHIN_TOLERANCE),
                // Headroom differs: a ready pod without data counts at target on a scale-up (the HPA: 0, idle).
                // k8s TestReplicaCalcMissingMetricsNoChangeGt keeps 2 here (1.9 and 0 average 0.95).
                arguments("missing pod at target on scale-up (HPA would keep 2)", 2, 1000, new long[]{1900}, 1, 0, 0,
                        0.1, 3, PROPOSED),
                arguments("missing pod blocks scale-down", 4, 4000, new long[]{400, 400, 400}, 1, 0, 0, 0.1, 4,
                        HELD_MISSING_DATA),
                arguments("missing pod, within tolerance: not a hold", 4, 4000, new long[]{3800, 3800, 3800}, 1, 0, 0,
                        0.1, 4, WITHIN_TOLERANCE),
                arguments("pods not ready absorb the load: no further scale-up", 6, 4000, new long[]{8000, 8000, 8000},
                        0, 0, 3, 0.1, 6, WITHIN_TOLERANCE),
                arguments("pods not ready absorb part of the load", 4, 4000, new long[]{12000, 12000}, 0, 0, 2, 0.1, 6,
                        PROPOSED),
                arguments("pods not ready are left out of a scale-down, not counted as 0", 8, 4000,
                        new long[]{2000, 2000, 2000, 2000}, 0, 0, 4, 0.1, 2, PROPOSED),
                arguments("fresh pod without the value counts at target: scale-down dampened", 4, 100,
                        new long[]{20, 20}, 0, 2, 0, 0.1, 3, PROPOSED),
                arguments("fresh pod without the value counts at target: scale-up gains its own replica", 4, 100,
                        new long[]{300, 300}, 0, 2, 0, 0.1, 8, PROPOSED));
    }

    @ParameterizedTest(name = "{0}: {1} replicas → {8} ({9})")
    @MethodSource("cases")
    void proposesAsTheHpaWithHeadroomsFailSafe(String source, int current, long targetMilli, long[] values, int missing,
                                               int withoutValue, int notReady, double tolerance, int expected,
                                               SignalOutcome outcome) {
        Behavior behavior = new Behavior(ScalingRules.defaultScaleUp().withTolerance(tolerance),
                ScalingRules.defaultScaleDown().withTolerance(tolerance));
        long sum = 0;
        for (long v : values) {
            sum += v;
        }
        ReplicaCalculator.Proposal p = ReplicaCalculator.propose(sum, targetMilli, values.length, missing,
                withoutValue, notReady, current, behavior);
        assertThat(p.replicas()).as(source).isEqualTo(expected);
        assertThat(p.outcome()).as(source).isEqualTo(outcome);
    }

    @ParameterizedTest(name = "k8s TestReplicaCalcConfigurableTolerance-like: ratio {0} with down {1} / up {2} → {3}")
    @MethodSource("tolerances")
    void separateUpAndDownTolerances(long meanMilli, double down, double up, int expected) {
        Behavior behavior = new Behavior(ScalingRules.defaultScaleUp().withTolerance(up),
                ScalingRules.defaultScaleDown().withTolerance(down));
        ReplicaCalculator.Proposal p = ReplicaCalculator.propose(meanMilli * 3, 1000, 3, 0, 0, 0, 3, behavior);
        assertThat(p.replicas()).isEqualTo(expected);
    }

    static Stream<Arguments> tolerances() {
        return Stream.of(
                arguments(1010, 0.0, 0.0, 4),   // "Outside of a 0% tolerance"
                arguments(1900, 0.1, 2.0, 3),   // "Within a 200% scale-up tolerance"
                arguments(1090, 2.0, 0.08, 4),  // "Outside 8% scale-up tolerance"
                arguments(650, 0.36, 0.1, 3),   // "Within a 36% scale-down tolerance"
                arguments(650, 0.34, 0.1, 2));  // "Outside a 34% scale-down tolerance"
    }

    @ParameterizedTest(name = "ceil({0}) = {1}")
    @MethodSource("ceilings")
    void replicaCountsAreCeiledAndCapped(double x, int expected) {
        assertThat(ReplicaCalculator.ceilReplicas(x)).isEqualTo(expected);
    }

    static Stream<Arguments> ceilings() {
        return Stream.of(arguments(3.0, 3), arguments(3.0000001, 4), arguments(1e12, Integer.MAX_VALUE));
    }

    private static long[] repeat(long v, int n) {
        long[] a = new long[n];
        java.util.Arrays.fill(a, v);
        return a;
    }

    // DEFAULT is referenced so that the defaults stay the HPA's: 0.1 both ways.
    static {
        if (DEFAULT.scaleUp().tolerance() != 0.1 || DEFAULT.scaleDown().tolerance() != 0.1) {
            throw new AssertionError("default tolerances changed");
        }
    }
}
