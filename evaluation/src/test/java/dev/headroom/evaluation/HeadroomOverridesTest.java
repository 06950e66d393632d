package dev.headroom.evaluation;

import dev.headroom.autoscaler.policy.PolicySpec;
import dev.headroom.signals.InvalidTargetsException;
import dev.headroom.signals.Signal;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HeadroomOverridesTest {

    private static PolicySpec documented() throws Exception {
        Scenario s = shortScenario();
        return Contender.configured(PolicySpec.of(1, 16), s.cluster(), s.requests(), s.slo());
    }

    @Test
    void noOverridesLeaveTheDocumentedSetUp() throws Exception {
        PolicySpec spec = documented();
        assertThat(HeadroomOverrides.NONE.isEmpty()).isTrue();
        assertThat(HeadroomOverrides.NONE.applyTo(spec)).isEqualTo(spec);
    }

    @Test
    void targetsLeadAndWindowAreReplacedAndDescribed() throws Exception {
        HeadroomOverrides o = new HeadroomOverrides(Map.of("itl_p95", "0.1", "itl_mean", "none"),
                Optional.of(Duration.ZERO), Optional.empty(), Optional.of(Duration.ofSeconds(300)));
        PolicySpec spec = o.applyTo(documented());
        assertThat(spec.targets().get(Signal.ITL_P95)).hasValue(0.1);
        assertThat(spec.targets().get(Signal.ITL_MEAN)).isEmpty();
        assertThat(spec.targets().get(Signal.ARRIVALS_PS)).as("untouched").isPresent();
        assertThat(spec.forecast().enabled()).isFalse();
        assertThat(spec.behavior().scaleDown().stabilizationWindow()).isEqualTo(Duration.ofSeconds(300));
        assertThat(o.describe()).isEqualTo("itl_mean=none, itl_p95=0.1, forecast lead 0 s, scale-down window 300 s");

        Scenario scenario = shortScenario();
        List<Contender> field = Contender.standard(scenario.cluster(), OraclePlan.compute(scenario),
                scenario.requests(), scenario.slo(), o);
        assertThat(field.stream().filter(c -> c.name().equals("headroom")).findFirst().orElseThrow().description())
                .endsWith("changed for this run: itl_mean=none, itl_p95=0.1, forecast lead 0 s, scale-down window 300 s");
    }

    @Test
    void theTrendWindowAloneKeepsTheLeadTime() throws Exception {
        HeadroomOverrides o = new HeadroomOverrides(Map.of(), Optional.empty(), Optional.of(Duration.ofSeconds(600)),
                Optional.empty());
        PolicySpec spec = o.applyTo(documented());
        assertThat(spec.forecast().trendWindow()).isEqualTo(Duration.ofSeconds(600));
        assertThat(spec.forecast().leadTime()).isEqualTo(documented().forecast().leadTime());
        assertThat(o.describe()).isEqualTo("trend window 600 s");
        assertThatThrownBy(() -> new HeadroomOverrides(Map.of(), Optional.empty(), Optional.of(Duration.ofSeconds(5)),
                Optional.empty()).applyTo(documented())).hasMessageContaining("trend window");
    }

    @Test
    void aBadTargetIsNamed() throws Exception {
        HeadroomOverrides o = new HeadroomOverrides(Map.of("gpu_util", "0.7"), Optional.empty(), Optional.empty(),
                Optional.empty());
        PolicySpec spec = documented();
        assertThatThrownBy(() -> o.applyTo(spec)).isInstanceOf(InvalidTargetsException.class)
                .hasMessageContaining("gpu_util");
    }

    private static Scenario shortScenario() throws Exception {
        return Scenario.prepare(ScenarioOptions.defaults().withDuration(120).withPeak(20, 60));
    }
}
