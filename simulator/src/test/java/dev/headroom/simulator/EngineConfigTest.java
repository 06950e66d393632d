package dev.headroom.simulator;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class EngineConfigTest {

    @Test
    void theLlamaPresetMatchesItsPublishedArithmetic() {
        EngineConfig c = EngineConfig.llama31_8bH100();
        long kvBytesPerToken = 2L * 32 * 8 * 128 * 2;
        assertThat(kvBytesPerToken).isEqualTo(131_072);
        double gib = 1024.0 * 1024 * 1024;
        double kvPoolGib = c.gpuMemoryBytes() / gib * 0.9 - 8.03e9 * 2 / gib - 2.0;
        assertThat(c.kvCapacityTokens()).isEqualTo(448_000)
                .isCloseTo((long) (kvPoolGib * gib / kvBytesPerToken), org.assertj.core.data.Percentage.withPercentage(1));
        assertThat(c.perContextTokenSeconds()).isCloseTo(kvBytesPerToken / (0.8 * 3.35e12), within(1e-9));
        assertThat(c.perPrefillTokenSeconds()).as("16.06 GFLOP at 472 TFLOP/s").isCloseTo(2 * 8.03e9 / 472e12,
                within(1e-7));
        assertThat(c.perBatchedTokenSeconds()).as("a decode token, mostly hidden under the weight read")
                .isCloseTo(c.perPrefillTokenSeconds() * 5 / 34, within(1e-7));
        assertThat(c.stepFixedSeconds()).as("weights at 2.68 TB/s + 2 ms").isCloseTo(16.06e9 / 2.68e12 + 0.002,
                within(1e-4));
        assertThat(c.stepSeconds(1, 1000)).as("batch-1 decode at 1k context").isBetween(0.007, 0.010);
        assertThat(c.stepSeconds(0, 8192, 8192)).as("a full prefill chunk").isCloseTo(0.008 + 8192 * 34e-6
                + 8192 * 49e-9, within(1e-9));
    }

    @Test
    void invalidFieldsAreNamedWithTheirValue() {
        assertThatThrownBy(() -> new EngineConfig(" ", 16, 10, 1, 1, 100, 0.01, 0, 0, 0.9, 1))
                .hasMessageContaining("modelName");
        assertThatThrownBy(() -> new EngineConfig("m", 0, 10, 1, 1, 100, 0.01, 0, 0, 0.9, 1))
                .hasMessageContaining("blockSize").hasMessageContaining("was 0");
        assertThatThrownBy(() -> new EngineConfig("m", 16, 10, 1, 1, 161, 0.01, 0, 0, 0.9, 1))
                .hasMessageContaining("maxModelLen").hasMessageContaining("160");
        assertThatThrownBy(() -> new EngineConfig("m", 16, 10, 1, 1, 100, 0, 0, 0, 0.9, 1))
                .hasMessageContaining("stepFixedSeconds");
        assertThatThrownBy(() -> new EngineConfig("m", 16, 10, 1, 1, 100, 0.01, Double.NaN, 0, 0.9, 1))
                .hasMessageContaining("perBatchedTokenSeconds");
        assertThatThrownBy(() -> new EngineConfig("m", 16, 10, 1, 1, 100, 0.01, 0, 0, 1.5, 1))
                .hasMessageContaining("gpuMemoryUtilization");
        assertThatThrownBy(() -> EngineConfig.demo().withMaxNumSeqs(0)).hasMessageContaining("maxNumSeqs");
    }

    @Test
    void shrinkingTheCacheShrinksMaxModelLenToFit() {
        EngineConfig c = EngineConfig.demo().withNumGpuBlocks(64);
        assertThat(c.kvCapacityTokens()).isEqualTo(1024);
        assertThat(c.maxModelLen()).isEqualTo(1024);
    }
}
