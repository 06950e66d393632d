package dev.headroom.simulator;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class VirtualTimeRunnerTest {

    private static List<SimRequest> demoRamp(long seed) {
        return Workload.ramp(0.5, 10, 60, new LengthRange(128, 512), new LengthRange(64, 256), seed);
    }

    @Test
    void theSameSeedGivesTheSameRunAndAnotherSeedDoesNot() {
        VirtualTimeRunner runner = new VirtualTimeRunner(EngineConfig.demo(), 1.0);
        SimulationResult a = runner.run(demoRamp(7));
        SimulationResult b = runner.run(demoRamp(7));
        SimulationResult c = runner.run(demoRamp(8));
        assertThat(a.requests()).isEqualTo(b.requests());
        assertThat(a.series()).isEqualTo(b.series());
        assertThat(a.steps()).isEqualTo(b.steps());
        assertThat(c.requests()).isNotEqualTo(a.requests());
    }

    @Test
    void aRampShowsGpuPinnedEarlyAndKvAndQueueSaturatingLate() {
        List<SimRequest> requests = demoRamp(42);
        SimulationResult result = new VirtualTimeRunner(EngineConfig.demo(), 1.0).run(requests);

        assertThat(result.requests()).hasSize(requests.size());
        assertThat(result.metrics().finishedLength()).isEqualTo(requests.size());
        for (RequestResult r : result.requests()) {
            assertThat(r.queueSeconds()).isGreaterThanOrEqualTo(0);
            assertThat(r.ttftSeconds()).isGreaterThanOrEqualTo(r.queueSeconds());
            if (r.outputTokens() > 1) {
                assertThat(r.meanItlSeconds()).isGreaterThanOrEqualTo(EngineConfig.demo().stepFixedSeconds());
            }
        }
        // Early (t <= 12 s, ~1-2 req/s): the GPU is already mostly busy, yet KV is far from full and nobody waits.
        List<TimeSample> early = result.series().subList(2, 12);
        assertThat(early).allSatisfy(s -> assertThat(s.waiting()).isZero());
        assertThat(early.stream().mapToDouble(TimeSample::gpuUtilization).average().orElseThrow()).isGreaterThan(0.6);
        assertThat(early.stream().mapToDouble(TimeSample::kvCacheUsage).average().orElseThrow()).isLessThan(0.5);
        // Late (t in 45..60 s, 7.5-10 req/s): KV full and a growing queue.
        List<TimeSample> late = result.series().subList(45, 60);
        assertThat(late).allSatisfy(s -> {
            assertThat(s.kvCacheUsage()).isGreaterThan(0.8);
            assertThat(s.waiting()).isPositive();
            assertThat(s.gpuUtilization()).isCloseTo(1.0, within(1e-9));
        });
        assertThat(result.metrics().preemptions()).isPositive();
        assertThat(result.series().get(0).timeSeconds()).isEqualTo(1.0);
    }

    @Test
    void anHourAtFiveRequestsPerSecondRunsInWellUnderAFewSeconds() {
        List<SimRequest> hour = Workload.poisson(5, 3600, new LengthRange(200, 2000), new LengthRange(100, 500), 7);
        long start = System.nanoTime();
        SimulationResult result = new VirtualTimeRunner(EngineConfig.llama31_8bH100(), 1.0).run(hour);
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(result.requests()).hasSize(hour.size());
        assertThat(hour.size()).isBetween(17_000, 19_000);
        assertThat(result.series()).hasSizeGreaterThanOrEqualTo(3600);
        assertThat(seconds).as("wall seconds for one simulated hour").isLessThan(5.0);
    }

    @Test
    void requestsOutOfArrivalOrderAreRefused() {
        List<SimRequest> unsorted = List.of(new SimRequest(0, 5, 10, 10), new SimRequest(1, 1, 10, 10));
        assertThatThrownBy(() -> new VirtualTimeRunner(EngineConfig.demo(), 1.0).run(unsorted))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sorted by arrival");
    }

    @Test
    void rampArrivalsFollowTheRateIntegral() {
        // 0 -> 10 req/s over 100 s: expected 500 arrivals, standard deviation ~22.
        List<SimRequest> r = Workload.ramp(0, 10, 100, LengthRange.fixed(10), LengthRange.fixed(10), 3);
        assertThat(r.size()).isBetween(430, 570);
        long firstHalf = r.stream().filter(x -> x.arrivalSeconds() < 50).count();
        assertThat(firstHalf).as("a quarter of the arrivals fall in the first half of a linear ramp from 0")
                .isBetween(90L, 160L);
        assertThat(new RampArrivals(2, 6, 10, 1).rateAt(5)).isEqualTo(4.0);
    }
}
