package dev.headroom.simulator.capacity;

import dev.headroom.simulator.EngineConfig;
import dev.headroom.simulator.LengthRange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class CapacityEstimatorTest {

    /** Azure-conversation-like lengths: means 1,100 and 200 (the trace's are 1,155 and 211). */
    private static final LengthRange PROMPT = new LengthRange(200, 2000);
    private static final LengthRange OUTPUT = new LengthRange(100, 300);
    private static final WorkloadShape MEANS = new WorkloadShape(1100, 200);

    @Test
    void kvArithmeticForTheLlama8bOnAnH100MatchesThePresetItWasDerivedFor() {
        MemoryPlan m = Deployment.llama31_8bOnH100().memory();
        assertThat(m.kvBytesPerToken()).isEqualTo(2L * 32 * 8 * 128 * 2).isEqualTo(131_072);
        assertThat(m.weightBytes()).isEqualTo(16_060_000_000L);
        assertThat(m.budgetBytes()).isEqualTo((long) Math.floor(85_520_809_984.0 * 0.9));
        assertThat(m.kvPoolBytes()).isEqualTo(m.budgetBytes() - 16_060_000_000L - 2 * Deployment.GIB);
        assertThat(m.kvTokens()).isEqualTo(m.kvBlocks() * 16L).isEqualTo(448_304);

        EngineConfig derived = Deployment.llama31_8bOnH100().engineConfig();
        EngineConfig preset = EngineConfig.llama31_8bH100();
        assertThat((double) derived.numGpuBlocks()).isCloseTo(preset.numGpuBlocks(), within(preset.numGpuBlocks() * 0.001));
        assertThat(derived.stepFixedSeconds()).isCloseTo(preset.stepFixedSeconds(), within(preset.stepFixedSeconds() * 0.01));
        assertThat(derived.perBatchedTokenSeconds()).isCloseTo(preset.perBatchedTokenSeconds(),
                within(preset.perBatchedTokenSeconds() * 0.01));
        assertThat(derived.perPrefillTokenSeconds()).isCloseTo(preset.perPrefillTokenSeconds(),
                within(preset.perPrefillTokenSeconds() * 0.01));
        assertThat(derived.perContextTokenSeconds()).isCloseTo(preset.perContextTokenSeconds(),
                within(preset.perContextTokenSeconds() * 0.01));
    }

    @Test
    void theSeventyBillionOnFourGpusHasItsKvFromTheirPooledMemory() {
        MemoryPlan m = Deployment.llama31_70bOn4xH100().memory();
        assertThat(m.kvBytesPerToken()).isEqualTo(2L * 80 * 8 * 128 * 2).isEqualTo(327_680);
        assertThat(m.kvPoolBytes()).isEqualTo((long) Math.floor(4 * 85_520_809_984.0 * 0.9) - 141_200_000_000L
                - 8 * Deployment.GIB);
        assertThat(m.kvTokens()).isEqualTo(m.kvPoolBytes() / 327_680 / 16 * 16);
        EngineConfig e = Deployment.llama31_70bOn4xH100().engineConfig();
        assertThat(e.stepFixedSeconds()).isCloseTo(141.2e9 / (4 * 2.68e12) + 0.003, within(1e-12));
        assertThat(e.gpuMemoryBytes()).isEqualTo(4 * 85_520_809_984L);
    }

    @Test
    void theEstimateFollowsTheDocumentedFormula() {
        EngineConfig e = EngineConfig.llama31_8bH100();
        CapacityEstimate est = CapacityEstimator.estimate(e, MEANS);
        double p = 1100;
        double o = 200;
        assertThat(est.heldTokensPerRequest()).isEqualTo(p + o / 2 + 8);
        assertThat(est.kvConcurrency()).isCloseTo(448_000 / 1208.0, within(1e-9));
        assertThat(est.limitedBy()).isEqualTo(CapacityEstimate.Limit.MAX_NUM_SEQS);
        assertThat(est.concurrency()).isEqualTo(256);
        double perRequest = o * 0.0080 / 256 + 34e-6 * p + 5e-6 * (o - 1) + 49e-9 * (p + (o - 1) * (p + o / 2));
        assertThat(est.requestsPerSecond()).isCloseTo(1 / perRequest, within(1e-9));
        assertThat(est.stepSeconds()).isCloseTo(256 / (est.requestsPerSecond() * o), within(1e-12));

        CapacityEstimate longContext = CapacityEstimator.estimate(e, new WorkloadShape(6000, 1000));
        assertThat(longContext.limitedBy()).isEqualTo(CapacityEstimate.Limit.KV_CACHE);
        assertThat(longContext.concurrency()).isCloseTo(448_000 / 6508.0, within(1e-9));
        CapacityEstimate tinyBudget = CapacityEstimator.estimate(e.withMaxNumBatchedTokens(512), MEANS);
        assertThat(tinyBudget.limitedBy()).isEqualTo(CapacityEstimate.Limit.TOKEN_BUDGET);
        assertThat(tinyBudget.concurrency()).isCloseTo(512 * o / (p + o - 1), within(1e-9));
    }

    @Test
    void theEstimateAgreesWithTheSimulatedSaturationPointWithinTenPercentOnTwoShapes() {
        for (Deployment d : new Deployment[] {Deployment.llama31_8bOnH100(), Deployment.llama31_70bOn4xH100()}) {
            EngineConfig engine = d.engineConfig();
            CapacityEstimate est = CapacityEstimator.estimate(engine, MEANS);
            double r = est.requestsPerSecond();
            SaturationProbe.Measurement m = SaturationProbe.measure(engine, PROMPT, OUTPUT, 0.8 * r, 1.25 * r,
                    0.05 * r, 600, 11);
            assertThat(est.requestsPerSecond()).as(d.model().name() + " estimate vs measured served rate")
                    .isCloseTo(m.servedRate(), within(0.10 * m.servedRate()));
            assertThat(m.firstGrowingRate()).as(d.model().name() + " first rate whose queue grew")
                    .isCloseTo(r, within(0.10 * r));
            // Well below the estimate the queue stays bounded and everything offered is served.
            SaturationProbe.Point low = m.points().get(0);
            assertThat(low.queueGrowing()).isFalse();
            assertThat(low.servedRate()).isCloseTo(low.offeredRate(), within(0.05 * low.offeredRate()));
        }
    }

    @Test
    void whenTheKvCacheBindsTheEstimateIsAnUpperBoundWithinFifteenPercent() {
        EngineConfig engine = Deployment.llama31_8bOnH100().engineConfig();
        CapacityEstimate est = CapacityEstimator.estimate(engine, new WorkloadShape(6000, 1000));
        double r = est.requestsPerSecond();
        SaturationProbe.Measurement m = SaturationProbe.measure(engine, new LengthRange(3000, 9000),
                new LengthRange(500, 1500), 0.8 * r, 1.2 * r, 0.05 * r, 600, 11);
        assertThat(r).isGreaterThanOrEqualTo(m.servedRate()).isLessThanOrEqualTo(1.15 * m.servedRate());
    }

    @Test
    void aDeploymentWithoutRoomForTheKvCacheIsRefusedWithTheArithmetic() {
        Deployment tooSmall = new Deployment(ModelShape.llama31_70b(), Accelerator.h100Sxm80(), 1, 0.9,
                2 * Deployment.GIB, 0.001, 16, 256, 8192, 131_072);
        assertThatThrownBy(tooSmall::memory).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("leaves no KV cache").hasMessageContaining("its weights (141.2 GB)")
                .hasMessageContaining("memory budget of 76.97 GB");
    }
}
