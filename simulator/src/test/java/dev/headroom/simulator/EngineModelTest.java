package dev.headroom.simulator;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class EngineModelTest {

    /** 8 blocks of 16 = 128 tokens of KV; 10 ms + 0.1 ms per token + 1 µs per context token. */
    private static EngineConfig tiny(int blocks, int maxSeqs, int budget) {
        return new EngineConfig("test/tiny", 16, blocks, maxSeqs, budget, blocks * 16, 0.010, 1e-4, 1e-6, 0.9,
                80_000_000_000L);
    }

    /** Steps the model from time 0 until idle, checking block accounting after every step. */
    private static List<RequestResult> runToIdle(EngineModel model, int maxSteps) {
        return runToIdle(model, 0, maxSteps);
    }

    private static List<RequestResult> runToIdle(EngineModel model, double start, int maxSteps) {
        List<RequestResult> done = new ArrayList<>();
        model.onFinish(done::add);
        double now = start;
        for (int i = 0; i < maxSteps && model.hasWork(); i++) {
            now += model.schedule(now);
            assertThat(model.usedBlocks()).isBetween(0, model.config().numGpuBlocks());
            model.finishStep();
            assertThat(model.freeBlocks()).isBetween(0, model.config().numGpuBlocks());
        }
        assertThat(model.hasWork()).as("engine drained within %d steps", maxSteps).isFalse();
        return done;
    }

    @Test
    void blocksGrowWithContextAndAreAllFreedWhenTheRequestFinishes() {
        EngineModel model = new EngineModel(tiny(8, 4, 512));
        model.submit(new SimRequest(0, 0, 20, 14));

        model.step(0);
        assertThat(model.usedBlocks()).as("20 prompt tokens need ceil(20/16) blocks").isEqualTo(2);
        int maxUsed = 0;
        double now = 1;
        while (model.hasWork()) {
            now += model.schedule(now);
            maxUsed = Math.max(maxUsed, model.usedBlocks()); // blocks are taken when the step is scheduled
            model.finishStep();
        }
        // 20 prompt + 13 fed-back outputs = 33 computed tokens at most -> 3 blocks; the last token is never fed.
        assertThat(maxUsed).isEqualTo(3);
        assertThat(model.usedBlocks()).isZero();
        assertThat(model.freeBlocks()).isEqualTo(8);
        assertThat(model.kvCacheUsage()).isZero();
    }

    @Test
    void chunkedPrefillNeverExceedsTheTokenBudgetAndDecodesGoFirst() {
        EngineModel model = new EngineModel(tiny(64, 8, 64));
        List<RequestResult> done = new ArrayList<>();
        model.onFinish(done::add);
        model.submit(new SimRequest(0, 0, 10, 50));
        double now = 0;
        now += model.step(now); // prefill of A in one step, first token
        model.submit(new SimRequest(1, now, 200, 2));
        List<Integer> batches = new ArrayList<>();
        long tokensBefore = model.metrics().generationTokens();
        for (int i = 0; i < 4; i++) {
            now += model.step(now);
            batches.add(model.lastBatchedTokens());
        }
        // Each step: A's decode token (1) first, then 63 tokens of B's 200-token prompt, until B's last 11.
        assertThat(batches).containsExactly(64, 64, 64, 12);
        assertThat(model.metrics().generationTokens() - tokensBefore)
                .as("A decoded once per step, and B's first token came with its last chunk").isEqualTo(5);

        done.addAll(runToIdle(model, now, 1000));
        assertThat(done).extracting(RequestResult::id).containsExactlyInAnyOrder(0L, 1L);
    }

    @Test
    void everyStepStaysWithinTheBudgetUnderMixedLoad() {
        EngineModel model = new EngineModel(tiny(256, 16, 100));
        for (int i = 0; i < 40; i++) {
            model.submit(new SimRequest(i, 0, 30 + 17 * (i % 9), 5 + 11 * (i % 7)));
        }
        double now = 0;
        while (model.hasWork()) {
            now += model.schedule(now);
            assertThat(model.lastBatchedTokens()).isBetween(1, 100);
            assertThat(model.runningCount()).isLessThanOrEqualTo(16);
            model.finishStep();
        }
        assertThat(model.metrics().finishedLength()).isEqualTo(40);
    }

    @Test
    void runningOutOfBlocksPreemptsTheNewestSequenceWhichStillCompletes() {
        EngineModel model = new EngineModel(tiny(8, 4, 512));
        // Each grows to 48 + 39 = 87 tokens = 6 blocks; two of them need 12 of the 8 blocks.
        model.submit(new SimRequest(0, 0, 48, 40));
        model.submit(new SimRequest(1, 0, 48, 40));

        List<RequestResult> done = runToIdle(model, 10_000);

        Map<Long, RequestResult> byId = done.stream().collect(Collectors.toMap(RequestResult::id, Function.identity()));
        assertThat(model.metrics().preemptions()).isPositive();
        assertThat(byId).containsOnlyKeys(0L, 1L);
        assertThat(byId.get(0L).preemptions()).as("the oldest sequence is never the victim").isZero();
        assertThat(byId.get(1L).preemptions()).isPositive();
        assertThat(byId.get(1L).outputTokens()).isEqualTo(40);
        assertThat(model.metrics().generationTokens()).as("recompute regenerates nothing twice").isEqualTo(80);
        assertThat(model.freeBlocks()).isEqualTo(8);
    }

    @Test
    void admissionIsFirstComeFirstServed() {
        EngineModel model = new EngineModel(tiny(64, 1, 512));
        for (int i = 0; i < 5; i++) {
            model.submit(new SimRequest(i, 0, 20 + i, 3));
        }
        List<RequestResult> done = runToIdle(model, 1000);
        assertThat(done).extracting(RequestResult::id).containsExactly(0L, 1L, 2L, 3L, 4L);
        for (int i = 1; i < done.size(); i++) {
            assertThat(done.get(i).firstScheduledSeconds()).isGreaterThan(done.get(i - 1).firstScheduledSeconds());
        }
    }

    @Test
    void aSmallRequestDoesNotOvertakeAHeadThatIsWaitingForBlocks() {
        EngineModel model = new EngineModel(tiny(8, 8, 512));
        List<RequestResult> done = new ArrayList<>();
        model.onFinish(done::add);
        model.submit(new SimRequest(0, 0, 70, 20)); // holds 5 blocks, then 6
        double now = model.step(0);
        model.submit(new SimRequest(1, now, 60, 2)); // needs 4 blocks: waits
        model.submit(new SimRequest(2, now, 5, 2));  // needs 1 block: would fit, must not overtake
        now += model.step(now);
        assertThat(model.runningCount()).isEqualTo(1);
        assertThat(model.waitingCount()).isEqualTo(2);

        done.addAll(runToIdle(model, now, 1000));
        Map<Long, RequestResult> byId = done.stream().collect(Collectors.toMap(RequestResult::id, Function.identity()));
        assertThat(byId.get(1L).firstScheduledSeconds()).isLessThanOrEqualTo(byId.get(2L).firstScheduledSeconds());
    }

    @Test
    void stepTimeIsFixedPlusPerBatchedTokenPlusPerContextTokenRead() {
        EngineModel model = new EngineModel(tiny(64, 4, 512));
        model.submit(new SimRequest(0, 0, 100, 3));
        double prefill = model.step(0);
        assertThat(prefill).isCloseTo(0.010 + 100 * 1e-4 + 100 * 1e-6, within(1e-12));
        assertThat(model.lastContextTokens()).isEqualTo(100);
        double decode = model.step(prefill);
        // Feeds token 101: one batched token, reads 101 tokens of context.
        assertThat(decode).isCloseTo(0.010 + 1e-4 + 101 * 1e-6, within(1e-12));
        assertThat(model.config().stepSeconds(7, 1000)).isCloseTo(0.010 + 7e-4 + 1000e-6, within(1e-12));
    }

    @Test
    void gpuUtilizationPinsNearFullWithOneRequestWhileKvIsAlmostEmpty() {
        EngineModel model = new EngineModel(EngineConfig.llama31_8bH100());
        model.submit(new SimRequest(0, 0, 100, 2000));
        double now = 0;
        while (now < 3.0) {
            now += model.step(now);
        }
        assertThat(model.runningCount()).isEqualTo(1);
        assertThat(model.gpuUtilization(now)).isGreaterThan(0.99);
        assertThat(model.kvCacheUsage()).as("one short sequence in 448k tokens of KV").isLessThan(0.002);

        EngineModel idle = new EngineModel(EngineConfig.llama31_8bH100());
        assertThat(idle.gpuUtilization(5.0)).isZero();
        assertThat(model.gpuUtilization(now + 2.0)).as("nothing ran in the last second").isZero();
        assertThat(model.gpuUtilization(now + 0.5)).isCloseTo(0.5, within(0.01));
    }

    @Test
    void rejectsARequestLongerThanMaxModelLen() {
        EngineModel model = new EngineModel(tiny(8, 4, 512));
        assertThatThrownBy(() -> model.submit(new SimRequest(9, 0, 100, 29)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("request 9").hasMessageContaining("maxModelLen 128");
    }

    @Test
    void scheduleTwiceWithoutFinishingIsAnError() {
        EngineModel model = new EngineModel(tiny(8, 4, 512));
        model.submit(new SimRequest(0, 0, 10, 5));
        model.schedule(0);
        assertThatThrownBy(() -> model.schedule(1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("finishStep");
    }

    @Test
    void abortAllFreesEveryBlockAndCountsAborts() {
        EngineModel model = new EngineModel(tiny(8, 1, 512));
        model.submit(new SimRequest(0, 0, 40, 50));
        model.submit(new SimRequest(1, 0, 40, 50));
        model.step(0);
        assertThat(model.usedBlocks()).isPositive();
        assertThat(model.abortAll()).isEqualTo(2);
        assertThat(model.freeBlocks()).isEqualTo(8);
        assertThat(model.metrics().finishedAbort()).isEqualTo(2);
        assertThat(model.hasWork()).isFalse();
    }
}
