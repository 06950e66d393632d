package dev.headroom.simulator.capacity;

import dev.headroom.simulator.EngineConfig;
import dev.headroom.simulator.LengthRange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SloCapacityEstimatorTest {

    private static final EngineConfig ENGINE = EngineConfig.llama31_8bH100();
    private static final LatencyObjective TWO_SECONDS = new LatencyObjective(2.0, 0.95, 0.1);
    private static final LatencyObjective FIVE_SECONDS = new LatencyObjective(5.0, 0.95, 0.1);

    /** Uniform lengths ±80 % around the mean, as the estimator assumes. */
    private static LengthRange around(int mean) {
        return new LengthRange(Math.round(0.2f * mean), Math.round(1.8f * mean));
    }

    private static SloProbe.Measurement probe(int prompt, int output, LatencyObjective slo, SloCapacity est) {
        return SloProbe.measure(ENGINE, around(prompt), around(output), slo, 1.3 * est.saturationRate(), 600, 11);
    }

    @Test
    void theEstimateAgreesWithTheSimulatorWithinTenPercentOnConversationPrefillHeavyAndLongContextMixes() {
        Object[][] mixes = {
                {"conversation 1,100 / 200", 1100, 200, TWO_SECONDS},
                {"prefill-heavy 2,000 / 30", 2000, 30, TWO_SECONDS},
                {"long-context 12,000 / 300", 12000, 300, FIVE_SECONDS}};
        for (Object[] mix : mixes) {
            int p = (int) mix[1];
            int o = (int) mix[2];
            LatencyObjective slo = (LatencyObjective) mix[3];
            SloCapacity est = SloCapacityEstimator.estimate(ENGINE, new WorkloadShape(p, o), slo);
            SloProbe.Measurement measured = probe(p, o, slo, est);
            assertThat(est.feasible()).isTrue();
            assertThat(measured.feasible()).isTrue();
            assertThat(est.requestsPerSecond()).as(mix[0] + ": estimate vs simulator")
                    .isCloseTo(measured.requestsPerSecond(), within(0.10 * measured.requestsPerSecond()));
            assertThat(est.requestsPerSecond()).as(mix[0] + ": below saturation").isLessThan(est.saturationRate());
        }
    }

    @Test
    void onAPrefillHeavyMixChunkedPrefillBreaksTheItlObjectiveWellBeforeThroughputSaturates() {
        SloCapacity est = SloCapacityEstimator.estimate(ENGINE, new WorkloadShape(2000, 30), TWO_SECONDS);
        assertThat(est.binding()).as("the estimate's binding term").isEqualTo(SloCapacity.Binding.ITL);
        assertThat(est.ttftSeconds()).isLessThan(2.0);
        SloProbe.Measurement measured = probe(2000, 30, TWO_SECONDS, est);
        assertThat(measured.requestsPerSecond()).isLessThan(0.9 * est.saturationRate());
        SloProbe.Point justAbove = measured.points().stream().filter(pt -> !pt.meets())
                .min((x, y) -> Double.compare(x.rate(), y.rate())).orElseThrow();
        assertThat(justAbove.meanItl()).as("the simulator's binding term is ITL").isGreaterThan(0.1);
        assertThat(justAbove.ttftAtQuantile()).as("while TTFT p95 still meets 2 s").isLessThan(2.0);
        assertThat(SloCapacityEstimator.meanItlSeconds(ENGINE, new WorkloadShape(2000, 30), est.saturationRate()))
                .as("the analytic ITL at saturation: one full step of chunks and decodes").isGreaterThan(0.25);
    }

    @Test
    void decodersCrowdIntoPrefillBurstsSoTheMeanItlOverRequestsExceedsTheMeanStep() {
        WorkloadShape prefillHeavy = new WorkloadShape(2000, 30);
        WorkloadShape conversation = new WorkloadShape(1100, 200);
        double rate = 11.7;
        double meanStep = ENGINE.stepFixedSeconds() / (1 - rate * (34e-6 * 2000 + 5e-6 * 29
                + 49e-9 * (2000 + 29 * 2015.0)));
        assertThat(meanStep).as("the step mean, which the simulator measures at 49.5 ms").isCloseTo(0.048, within(0.002));
        assertThat(SloCapacityEstimator.meanItlSeconds(ENGINE, prefillHeavy, rate)).as("per request, measured 94 ms")
                .isBetween(1.5 * meanStep, 2.0 * meanStep);
        double conversationStep = ENGINE.stepFixedSeconds() / (1 - 16 * (34e-6 * 1100 + 5e-6 * 199
                + 49e-9 * (1100 + 199 * 1200.0)));
        assertThat(SloCapacityEstimator.meanItlSeconds(ENGINE, conversation, 16)).as("long outputs: no burst term")
                .isCloseTo(conversationStep, within(0.05 * conversationStep));
    }

    @Test
    void whenOnePrefillAloneExceedsTheTtftObjectiveNoRateIsGivenAndTheReasonSaysWhy() {
        LatencyObjective tight = new LatencyObjective(0.5, 0.95, 0.1);
        SloCapacity est = SloCapacityEstimator.estimate(ENGINE, new WorkloadShape(12000, 300), tight);
        assertThat(est.feasible()).isFalse();
        assertThat(est.binding()).isEqualTo(SloCapacity.Binding.INFEASIBLE);
        assertThat(est.requestsPerSecond()).isNaN();
        assertThat(est.ttftSeconds()).isGreaterThan(0.5);
        assertThat(est.reason()).contains("20640-token prompt").contains("prefill").contains("TTFT objective of 0.50 s");
        assertThat(SloProbe.measure(ENGINE, around(12000), around(300), tight, 1.3 * est.saturationRate(), 300, 11)
                .feasible()).as("the simulator agrees: no rate meets it").isFalse();
    }

    @Test
    void aRequestLongerThanTheContextIsRefusedAndTheLongPromptsAreThoseTheEngineAccepts() {
        int context = ENGINE.maxModelLen();
        SloCapacity tooLong = SloCapacityEstimator.estimate(ENGINE, new WorkloadShape(context, 200), TWO_SECONDS);
        assertThat(tooLong.feasible()).isFalse();
        assertThat(tooLong.reason()).contains("longer than the engine's context of " + context + " tokens");

        // Mean prompts of 100,000 tokens: the p95 of ±80 % around them would be 172,000, past the context; the
        // longest the engine serves beside a 200-token output is context − 200, and that is the prompt named.
        SloCapacity longest = SloCapacityEstimator.estimate(ENGINE, new WorkloadShape(100_000, 200),
                new LatencyObjective(2.0, 0.95, 0.1));
        assertThat(longest.feasible()).isFalse();
        assertThat(longest.reason()).contains("a " + (context - 200) + "-token prompt");
    }

    @Test
    void whenOneDecodeStepExceedsTheItlObjectiveNoRateIsGiven() {
        SloCapacity est = SloCapacityEstimator.estimate(ENGINE, new WorkloadShape(1100, 200),
                new LatencyObjective(2.0, 0.95, 0.005));
        assertThat(est.feasible()).isFalse();
        assertThat(est.reason()).contains("decode step").contains("ITL objective of 5.0 ms");
    }

    @Test
    void invalidObjectivesAreNamed() {
        assertThatThrownBy(() -> new LatencyObjective(0, 0.95, 0.1)).hasMessageContaining("ttftSeconds");
        assertThatThrownBy(() -> new LatencyObjective(2, 1.0, 0.1)).hasMessageContaining("ttftQuantile");
        assertThatThrownBy(() -> new LatencyObjective(2, 0.95, Double.NaN)).hasMessageContaining("itlSeconds");
    }
}
