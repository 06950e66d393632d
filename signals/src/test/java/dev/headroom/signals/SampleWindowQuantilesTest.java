package dev.headroom.signals;

import dev.headroom.collectors.engine.GaugeSignal;
import dev.headroom.collectors.engine.Histogram;
import dev.headroom.collectors.engine.LatencySignal;
import org.junit.jupiter.api.Test;

import static dev.headroom.signals.Samples.INF;
import static dev.headroom.signals.Samples.at;
import static dev.headroom.signals.Samples.histogram;
import static dev.headroom.signals.Samples.roomyWindow;
import static dev.headroom.signals.Samples.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Bounds are 0.1, 0.5, 1, +Inf throughout; counts are cumulative, as engines expose them. */
class SampleWindowQuantilesTest {

    @Test
    void quantilesComeFromTheBucketIncreaseAcrossTheWindow() {
        SampleWindow window = roomyWindow();
        window.add(sample(0).latency(LatencySignal.TTFT, histogram(5, 10, 12, 12)).build());
        window.add(sample(1).latency(LatencySignal.TTFT, histogram(10, 25, 30, 32)).build());
        window.add(sample(2).latency(LatencySignal.TTFT, histogram(15, 30, 40, 42)).build());
        Signals signals = window.signals(at(2));
        // increase t0 → t2: 10, 20, 28, 30 (30 observations)
        // p50: rank 15; 10 < 15 ≤ 20 → (0.1, 0.5]: 0.1 + 0.4 × (15 − 10)/(20 − 10) = 0.3
        assertThat(signals.get(Signal.TTFT_P50)).hasValueCloseTo(0.3, within(1e-12));
        // p95: rank 28.5 > 28 (the last finite cumulative) → +Inf bucket → 1.0, the highest finite bound
        assertThat(signals.get(Signal.TTFT_P95)).hasValueCloseTo(1.0, within(1e-12));
    }

    @Test
    void eachLatencyMapsToItsQuantiles() {
        SampleWindow window = roomyWindow();
        Histogram zero = histogram(0, 0, 0, 0);
        // one histogram per latency: 10 observations, all in bucket (0.1, 0.5] → p50 rank 5: 0.1 + 0.4 × 5/10 = 0.3;
        // p95 rank 9.5: 0.1 + 0.4 × 9.5/10 = 0.48
        Histogram later = histogram(0, 10, 10, 10);
        var first = sample(0);
        var second = sample(1);
        for (LatencySignal l : LatencySignal.values()) {
            first.latency(l, zero);
            second.latency(l, later);
        }
        window.add(first.build());
        window.add(second.build());
        Signals signals = window.signals(at(1));
        for (Signal s : new Signal[]{Signal.TTFT_P50, Signal.ITL_P50, Signal.E2E_P50, Signal.QUEUE_TIME_P50}) {
            assertThat(signals.get(s)).as(s.key()).hasValueCloseTo(0.3, within(1e-12));
        }
        for (Signal s : new Signal[]{Signal.TTFT_P95, Signal.ITL_P95, Signal.E2E_P95, Signal.QUEUE_TIME_P95}) {
            assertThat(signals.get(s)).as(s.key()).hasValueCloseTo(0.48, within(1e-12));
        }
    }

    @Test
    void aResetInsideTheWindowCountsThePostResetHistogramAsTheIncrease() {
        SampleWindow window = roomyWindow();
        window.add(sample(0).latency(LatencySignal.TTFT, histogram(50, 80, 90, 100)).build());
        window.add(sample(1).latency(LatencySignal.TTFT, histogram(60, 90, 100, 110)).build());
        window.add(sample(2).latency(LatencySignal.TTFT, histogram(2, 6, 8, 8)).build()); // engine restarted
        window.add(sample(3).latency(LatencySignal.TTFT, histogram(4, 10, 14, 14)).build());
        Signals signals = window.signals(at(3));
        // pairs: t0→t1 +10 +10 +10 +10; t1→t2 reset → 2, 6, 8, 8; t2→t3 +2 +4 +6 +6
        // increase 14, 20, 24, 24 (24 observations)
        // p50: rank 12 ≤ 14 → [0, 0.1]: 0.1 × 12/14 = 0.0857142…
        assertThat(signals.get(Signal.TTFT_P50)).hasValueCloseTo(0.1 * 12 / 14, within(1e-12));
        // p95: rank 22.8; 20 < 22.8 ≤ 24 → (0.5, 1]: 0.5 + 0.5 × 2.8/4 = 0.85
        assertThat(signals.get(Signal.TTFT_P95)).hasValueCloseTo(0.85, within(1e-12));
    }

    @Test
    void aResetBetweenTheOnlyTwoSamplesUsesThePostResetHistogram() {
        SampleWindow window = roomyWindow();
        window.add(sample(0).latency(LatencySignal.TTFT, histogram(50, 80, 90, 100)).build());
        window.add(sample(1).latency(LatencySignal.TTFT, histogram(2, 6, 8, 8)).build());
        // increase = 2, 6, 8, 8; p50 rank 4: 2 < 4 ≤ 6 → 0.1 + 0.4 × 2/4 = 0.3
        assertThat(window.signals(at(1)).get(Signal.TTFT_P50)).hasValueCloseTo(0.3, within(1e-12));
    }

    @Test
    void noObservationsInTheWindowIsUnknownNotZero() {
        SampleWindow window = roomyWindow();
        window.add(sample(0).latency(LatencySignal.TTFT, histogram(5, 10, 12, 12)).gauge(GaugeSignal.QUEUE, 0).build());
        window.add(sample(1).latency(LatencySignal.TTFT, histogram(5, 10, 12, 12)).gauge(GaugeSignal.QUEUE, 0).build());
        Signals signals = window.signals(at(1));
        assertThat(signals.get(Signal.TTFT_P50)).isEmpty();
        assertThat(signals.get(Signal.TTFT_P95)).isEmpty();
        assertThat(signals.stale()).isFalse();
    }

    @Test
    void oneSampleGivesNoQuantile() {
        SampleWindow window = roomyWindow();
        window.add(sample(0).latency(LatencySignal.TTFT, histogram(5, 10, 12, 12)).build());
        assertThat(window.signals(at(0)).get(Signal.TTFT_P50)).isEmpty();
    }

    @Test
    void aChangedBucketLayoutIsUnknownUntilItLeavesTheWindow() {
        SampleWindow window = new SampleWindow(Samples.window(64, 10, 3));
        double[] other = {0.25, 0.5, 1.0, INF};
        window.add(sample(0).latency(LatencySignal.TTFT, histogram(5, 10, 12, 12)).build());
        window.add(sample(1).latency(LatencySignal.TTFT, histogram(other, 1, 2, 3, 3)).build());
        window.add(sample(2).latency(LatencySignal.TTFT, histogram(other, 2, 4, 6, 6)).build());
        assertThat(window.signals(at(2)).get(Signal.TTFT_P50)).isEmpty();

        // at t = 10.5 the t = 0 sample is more than 10 s older than the newest and leaves the window
        window.add(sample(10.5).latency(LatencySignal.TTFT, histogram(other, 4, 8, 10, 10)).build());
        // increase t1 → t10.5: 3, 6, 7, 7; p50 rank 3.5: 3 < 3.5 ≤ 6 → 0.25 + 0.25 × 0.5/3 = 0.291666…
        assertThat(window.signals(at(10.5)).get(Signal.TTFT_P50)).hasValueCloseTo(0.25 + 0.25 * 0.5 / 3, within(1e-12));
    }

    @Test
    void dataParallelRanksSummedByTheDialectGiveTheQuantileOfTheirCombinedIncrease() {
        // rank 0: 1, 2, 3, 3 → 3, 6, 8, 9 (increase 2, 4, 5, 6)
        // rank 1: 0, 1, 1, 2 → 4, 5, 9, 9 (increase 4, 4, 8, 7)
        Histogram rank0Before = histogram(1, 2, 3, 3);
        Histogram rank1Before = histogram(0, 1, 1, 2);
        Histogram rank0After = histogram(3, 6, 8, 9);
        Histogram rank1After = histogram(4, 5, 9, 9);
        SampleWindow window = roomyWindow();
        window.add(sample(0).latency(LatencySignal.ITL, rank0Before.plus(rank1Before)).build());
        window.add(sample(1).latency(LatencySignal.ITL, rank0After.plus(rank1After)).build());
        Signals signals = window.signals(at(1));
        // combined increase 6, 8, 13, 13 (13 observations)
        // p50: rank 6.5; 6 < 6.5 ≤ 8 → 0.1 + 0.4 × 0.5/2 = 0.2
        assertThat(signals.get(Signal.ITL_P50)).hasValueCloseTo(0.2, within(1e-12));
        // p95: rank 12.35; 8 < 12.35 ≤ 13 → 0.5 + 0.5 × 4.35/5 = 0.935
        assertThat(signals.get(Signal.ITL_P95)).hasValueCloseTo(0.935, within(1e-12));
        // the same as the quantile of the per-rank increases added together (sum of rates, then quantile)
        assertThat(HistogramQuantile.of(0.95, Samples.BOUNDS, new double[]{2 + 4, 4 + 4, 5 + 8, 6 + 7}))
                .hasValueCloseTo(signals.get(Signal.ITL_P95).getAsDouble(), within(1e-12));
    }

    @Test
    void samplesWithoutTheHistogramAreSkipped() {
        SampleWindow window = roomyWindow();
        window.add(sample(0).latency(LatencySignal.E2E, histogram(0, 0, 0, 0)).build());
        window.add(sample(1).gauge(GaugeSignal.QUEUE, 0).build());
        window.add(sample(2).latency(LatencySignal.E2E, histogram(0, 0, 4, 4)).build());
        // increase 0, 0, 4, 4; p50 rank 2 → (0.5, 1]: 0.5 + 0.5 × 2/4 = 0.75
        assertThat(window.signals(at(2)).get(Signal.E2E_P50)).hasValueCloseTo(0.75, within(1e-12));
    }
}
