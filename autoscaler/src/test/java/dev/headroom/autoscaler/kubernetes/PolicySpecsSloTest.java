package dev.headroom.autoscaler.kubernetes;

import dev.headroom.autoscaler.policy.PolicySpec;
import dev.headroom.autoscaler.policy.SloSpec;
import dev.headroom.signals.Signal;
import org.junit.jupiter.api.Test;

import java.util.OptionalDouble;

import static dev.headroom.autoscaler.kubernetes.PolicySpecsTest.policy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code spec.slo}, as a user writes it, read by {@link PolicySpecs#resolve}. */
class PolicySpecsSloTest {

    @Test
    void anSloAloneSetsTheObjectiveAndTheLatencyAlarmsInItsOwnTerms() {
        PolicySpec spec = PolicySpecs.resolve(policy("slo: {ttftSeconds: 2, itlSeconds: 0.1}")).spec();

        SloSpec slo = spec.slo().orElseThrow();
        assertThat(slo.ttftSeconds()).isEqualTo(2.0);
        assertThat(slo.itlSeconds()).isEqualTo(0.1);
        assertThat(slo.itlQuantile()).isEmpty();
        assertThat(slo.attainment()).isEqualTo(0.99);
        assertThat(slo.ttftQuantile()).isEqualTo(0.99);
        assertThat(spec.targets().get(Signal.TTFT_P95)).hasValue(2.0);
        assertThat(spec.targets().get(Signal.ITL_MEAN)).hasValue(0.1);
        assertThat(spec.targets().get(Signal.ITL_P95)).as("a per-token p95 is not a mean ITL").isEmpty();
        assertThat(spec.targets().get(Signal.ARRIVALS_PS)).as("learned, not set").isEmpty();
        assertThat(spec.targets().get(Signal.KV_UTILIZATION)).hasValue(0.8);
    }

    @Test
    void handTargetsBesideAnSloOverrideWhatItSets() {
        PolicySpec spec = PolicySpecs.resolve(policy("""
                slo: {ttftSeconds: 5, ttftQuantile: 0.5, itlSeconds: 0.05, itlQuantile: 0.95, attainment: 0.95}
                targets: {arrivals_ps: 12, itl_p95: 0.08}""")).spec();

        assertThat(spec.slo().orElseThrow().itlQuantile()).isEqualTo(OptionalDouble.of(0.95));
        assertThat(spec.targets().get(Signal.TTFT_P50)).hasValue(5.0);
        assertThat(spec.targets().get(Signal.TTFT_P95)).isEmpty();
        assertThat(spec.targets().get(Signal.ITL_P95)).hasValue(0.08);
        assertThat(spec.targets().get(Signal.ARRIVALS_PS)).hasValue(12.0);
        assertThat(spec.targets().get(Signal.QUEUE)).hasValue(4.0);
    }

    @Test
    void everyBadSloFieldIsNamedAtOnce() {
        assertThatThrownBy(() -> PolicySpecs.resolve(policy("""
                slo: {ttftSeconds: -1, itlSeconds: 0, ttftQuantile: 1.5, itlQuantile: 0, attainment: 1.2}""")))
                .isInstanceOf(InvalidPolicyException.class)
                .hasMessageContaining("spec.slo.ttftSeconds is -1.0")
                .hasMessageContaining("spec.slo.itlSeconds is 0.0")
                .hasMessageContaining("spec.slo.ttftQuantile is 1.5")
                .hasMessageContaining("spec.slo.itlQuantile is 0.0")
                .hasMessageContaining("spec.slo.attainment is 1.2");
        assertThatThrownBy(() -> PolicySpecs.resolve(policy("slo: {itlSeconds: 0.1}")))
                .hasMessageContaining("spec.slo.ttftSeconds is null");
    }

    @Test
    void withoutAnSloTargetsAreTheWholeSetAsBefore() {
        PolicySpec spec = PolicySpecs.resolve(policy("targets: {queue: 2}")).spec();
        assertThat(spec.slo()).isEmpty();
        assertThat(spec.targets().targets()).containsOnlyKeys(Signal.QUEUE);
    }
}
