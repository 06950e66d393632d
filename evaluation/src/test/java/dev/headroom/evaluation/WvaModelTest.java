package dev.headroom.evaluation;

import dev.headroom.simulator.EngineConfig;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class WvaModelTest {

    private static final EngineConfig H100 = EngineConfig.llama31_8bH100();
    private static final Slo LONG = new Slo(5, 0.1, 0.99);

    @Test
    void theFitFollowsTheEnginesStepCostsOnTheConversationMix() {
        WvaModel m = WvaModel.fit(H100, 1000, 200);
        // At batch 1 a decode step is the fixed 7 ms plus one token and its context (simulator.md: ~7.1 ms).
        assertThat(m.itl(1)).isCloseTo(0.0071, within(0.0015));
        assertThat(m.beta()).isPositive();
        assertThat(m.maxBatch()).isEqualTo(H100.maxNumSeqs());
        // The benchmark at batch 256 measures ~66 ms per token (evaluation.md); the line passes near it.
        assertThat(m.itl(256)).isCloseTo(0.060, within(0.015));
    }

    @Test
    void theBatchIsLimitedByTheKvCacheForLongPrompts() {
        WvaModel m = WvaModel.fit(H100, 12_000, 340);
        long kv = (long) H100.numGpuBlocks() * H100.blockSize();
        assertThat(m.maxBatch()).isEqualTo((int) (0.9 * kv / (12_000 + 340)));
    }

    @Test
    void theMaxRateMeetsTheMeanTargetsJustAndAHigherRateDoesNot() {
        WvaModel m = WvaModel.fit(H100, 12_000, 340);
        double rate = m.maxRatePerReplica(LONG);
        assertThat(rate).isBetween(0.5, 5.0);
        double[] at = m.means(rate);
        assertThat(at[0]).isLessThanOrEqualTo(LONG.ttftSeconds());
        assertThat(at[1]).isLessThanOrEqualTo(LONG.itlSeconds());
        double[] above = m.means(rate * 1.02);
        assertThat(above[0] > LONG.ttftSeconds() || above[1] > LONG.itlSeconds()).isTrue();
    }

    @Test
    void aTighterTtftGivesALowerMaxRate() {
        WvaModel m = WvaModel.fit(H100, 2000, 30);
        assertThat(m.maxRatePerReplica(new Slo(0.5, 0.1, 0.99))).isLessThan(m.maxRatePerReplica(Slo.defaults()));
    }

    @Test
    void anSloThatAnIdleReplicaBreaksIsAnErrorThatSaysWhy() {
        WvaModel m = WvaModel.fit(H100, 15_000, 150);
        assertThatThrownBy(() -> m.maxRatePerReplica(new Slo(0.1, 0.1, 0.99)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("prefill of 15000 tokens");
    }

    @Test
    void theFitIsDeterministic() {
        assertThat(WvaModel.fit(H100, 2000, 30)).isEqualTo(WvaModel.fit(H100, 2000, 30));
    }
}
