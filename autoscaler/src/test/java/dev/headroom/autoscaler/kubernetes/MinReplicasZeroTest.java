package dev.headroom.autoscaler.kubernetes;

import dev.headroom.autoscaler.kubernetes.crd.HeadroomPolicy;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code minReplicas: 0} in direct mode is refused: at zero no pod runs and no sidecar reports, so the controller
 * would hold at zero on "no data" for good (issue 14). Other modes keep it: KEDA wakes a workload from zero with
 * its own triggers, and dry-run acts on nothing.
 */
class MinReplicasZeroTest {

    private static final KubernetesSerialization YAML = new KubernetesSerialization();

    static HeadroomPolicy policy(String mode, int min) {
        return YAML.unmarshal("""
                apiVersion: headroom.dev/v1alpha1
                kind: HeadroomPolicy
                metadata: {name: llama, namespace: llm}
                spec:
                  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: llama}
                  selector: {matchLabels: {app: llama}}
                  minReplicas: %d
                  maxReplicas: 8
                  mode: %s
                """.formatted(min, mode), HeadroomPolicy.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Direct", "direct"})
    void zeroIsRefusedInDirectModeNamingTheFieldAndWhatToUseInstead(String mode) {
        assertThatThrownBy(() -> PolicySpecs.resolve(policy(mode, 0)))
                .isInstanceOfSatisfying(InvalidPolicyException.class, e -> assertThat(e.problems()).singleElement()
                        .satisfies(p -> assertThat(p).startsWith("spec.minReplicas is 0 in Direct mode")
                                .contains("cannot scale from zero").contains("1 or more").contains("mode: KEDA")));
        assertThat(PolicySpecs.resolve(policy(mode, 1)).spec().minReplicas()).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"KEDA", "keda", "DryRun", "dry-run", "ExternalMetrics", "external-metrics"})
    void zeroStaysAllowedWhereSomethingElseActs(String mode) {
        assertThat(PolicySpecs.resolve(policy(mode, 0)).spec().minReplicas()).isZero();
    }
}
