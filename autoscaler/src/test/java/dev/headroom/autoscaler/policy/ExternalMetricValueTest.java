package dev.headroom.autoscaler.policy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ExternalMetricValueTest {

    /** The HPA's {@code GetExternalPerPodMetricReplicas}, against Kubernetes' replica_calculator_test.go. */
    @ParameterizedTest(name = "{0}: sum {1}m, {2} replicas, target {3}m → {4}")
    @CsvSource({
            "TestReplicaCalcScaleUpPerPodCMExternal,       8600, 3, 2150, 4",
            "TestReplicaCalcScaleDownPerPodCMExternal,     8600, 5, 2867, 3",
            "TestReplicaCalcTolerancePerPodCMExternal,     8600, 3, 2900, 3",
    })
    void hpaArithmeticMatchesKubernetes(String source, long usage, int replicas, long target, int expected) {
        assertThat(ExternalMetricValue.hpaReplicas(usage, replicas, target, 0.1, 0.1)).as(source).isEqualTo(expected);
    }

    @Test
    void configurableToleranceAsKubernetes() {
        // TestReplicaCalcConfigurableTolerancePerPodCMExternal: up tolerance 0.01.
        assertThat(ExternalMetricValue.hpaReplicas(8600, 3, 2800, 0.01, 0.1)).isEqualTo(4);
    }

    @ParameterizedTest(name = "desired {0} from {1} at target {2}m → serve {3} ({4})")
    @CsvSource({
            "6,  4, 1000, 6,     true",   // up: D × T
            "4,  4, 4000, 16,    true",   // hold: S × T
            "3, 10, 1000, 2001m, true",   // down: (D − 1) × T + 1m, ratio 0.2
            "9, 10, 1000, 8001m, true",   // down by one of ten: ratio 0.8001, outside 0.1
            "0,  3,  500, 0,     true",   // to zero (HPAScaleToZero)
            "21, 20, 1000, 21,   false",  // 1.05 stays within the HPA's 0.1 tolerance
            "19, 20, 1000, 18001m, false", // 18001 / 20000 = 0.90005: within the HPA's tolerance
    })
    void servedValueReproducesTheDecision(int desired, int current, long target, String quantity,
                                          boolean reproducible) {
        ExternalMetricValue v = ExternalMetricValue.forAverageValueTarget(desired, current, target, 0.1, 0.1);
        assertThat(v.quantity()).isEqualTo(quantity);
        int reached = ExternalMetricValue.hpaReplicas(v.milliValue(), current, target, 0.1, 0.1);
        assertThat(v.reproducible()).isEqualTo(reached == desired);
    }

    @Test
    void everyDecisionFurtherThanTheToleranceIsReproducedAndZeroToleranceReproducesAll() {
        for (int current = 1; current <= 60; current++) {
            for (int desired = 0; desired <= 120; desired++) {
                for (long target : new long[]{1, 800, 1000, 4000, 2150}) {
                    ExternalMetricValue exact = ExternalMetricValue.forAverageValueTarget(desired, current, target, 0, 0);
                    assertThat(ExternalMetricValue.hpaReplicas(exact.milliValue(), current, target, 0, 0))
                            .as("tolerance 0: %d → %d at %dm", current, desired, target).isEqualTo(desired);
                    assertThat(exact.reproducible()).isTrue();
                    double change = (double) desired / current;
                    ExternalMetricValue v = ExternalMetricValue.forAverageValueTarget(desired, current, target, 0.1,
                            0.1);
                    // Down: the served value is the smallest that rounds up to the decision, (D − 1) × T + 1m.
                    double downRatio = (double) ((desired - 1) * target + 1) / ((double) target * current);
                    if (desired == current || change > 1.1 || desired == 0
                            || (desired < current && downRatio < 0.9)) {
                        assertThat(v.reproducible()).as("%d → %d at %dm", current, desired, target).isTrue();
                    }
                    assertThat(ExternalMetricValue.hpaReplicas(v.milliValue(), current, target, 0.1, 0.1) == desired)
                            .isEqualTo(v.reproducible());
                }
            }
        }
    }

    @Test
    void quantitiesAreKubernetesStrings() {
        assertThat(new ExternalMetricValue(1250, true).quantity()).isEqualTo("1250m");
        assertThat(new ExternalMetricValue(5000, true).quantity()).isEqualTo("5");
        assertThat(new ExternalMetricValue(0, true).quantity()).isEqualTo("0");
    }

    @Test
    void badArgumentsAreRefused() {
        assertThatThrownBy(() -> ExternalMetricValue.forAverageValueTarget(1, 1, 0, 0.1, 0.1))
                .hasMessageContaining("target must be positive");
        assertThatThrownBy(() -> ExternalMetricValue.forAverageValueTarget(-1, 1, 1000, 0.1, 0.1))
                .hasMessageContaining("negative");
        assertThatThrownBy(() -> new ExternalMetricValue(-1, true)).hasMessageContaining("negative");
    }
}
