package dev.headroom.evaluation;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The claim the evaluation exists for, on the scenario it was made on (the whole superposed Azure hour sized by
 * peak rate, 70 req/s over the busiest minute, the default before scenarios were sized by replicas): Headroom,
 * configured as {@code policy.md} says, meets the SLO target within 1.15 × the oracle's GPU-hours, and the HPA
 * on GPU utilisation meets it only by paying several times that. Two seeds, so that one lucky draw of the
 * superposition does not carry it.
 */
class DefaultScenarioVerdictTest {

    private static final Set<String> RUN = Set.of("hpa-gpu-70", "headroom", "oracle");

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2})
    void headroomMeetsTheSloWithinTheBoundAndTheGpuHpaDoesNot(long seed) throws Exception {
        Scenario scenario = Scenario.prepare(ScenarioOptions.defaults().withPeak(70, 60).withSeed(seed));
        OraclePlan plan = OraclePlan.compute(scenario);
        List<Contender> field = Contender.standard(scenario.cluster(), plan, scenario.requests(), scenario.slo())
                .stream().filter(c -> RUN.contains(c.name())).toList();
        EvaluationResult result = Evaluation.run(scenario, plan, field, r -> { }, System.nanoTime());

        PolicyResult headroom = result.result("headroom").orElseThrow();
        PolicyResult oracle = result.result("oracle").orElseThrow();
        PolicyResult gpu = result.result("hpa-gpu-70").orElseThrow();
        assertThat(plan.peakReplicas()).as("the peak needs at least 4 replicas").isGreaterThanOrEqualTo(4);
        assertThat(plan.feasible()).as("the oracle is a reference here: %s", plan.summary().infeasibleBecause())
                .isTrue();
        assertThat(oracle.sloAttainment()).as("the oracle meets its own target").isGreaterThanOrEqualTo(0.99)
                .isEqualTo(plan.summary().attainment());
        assertThat(headroom.sloAttainment()).as("Headroom's SLO attainment").isGreaterThanOrEqualTo(0.99);
        assertThat(headroom.gpuHours() / oracle.gpuHours()).as("Headroom's GPU-hours over the oracle's")
                .isLessThanOrEqualTo(1.15);
        assertThat(gpu.sloAttainment()).isGreaterThanOrEqualTo(0.99);
        assertThat(gpu.gpuHours()).as("the HPA on GPU utilisation pays for reading a busy GPU as a full one")
                .isGreaterThan(2 * headroom.gpuHours());
    }
}
