package dev.headroom.signals;

import dev.headroom.collectors.engine.CounterSignal;
import dev.headroom.collectors.engine.EngineSample;
import dev.headroom.collectors.engine.GaugeSignal;
import dev.headroom.collectors.engine.Histogram;
import dev.headroom.collectors.engine.LatencySignal;
import org.junit.jupiter.api.Test;

import static dev.headroom.signals.Samples.BOUNDS;
import static dev.headroom.signals.Samples.INF;
import static dev.headroom.signals.Samples.at;
import static dev.headroom.signals.Samples.roomyWindow;
import static dev.headroom.signals.Samples.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** {@link Signal#ARRIVALS_PS} and {@link Signal#ITL_MEAN}; samples once a second from t = 0 unless said. */
class SampleWindowArrivalsAndMeansTest {

    /** A sample with the finished-requests counter and both in-engine gauges. */
    private static EngineSample engine(double seconds, double finished, double running, double waiting) {
        return sample(seconds).counter(CounterSignal.REQUESTS_FINISHED, finished)
                .gauge(GaugeSignal.RUNNING, running).gauge(GaugeSignal.QUEUE, waiting).build();
    }

    /** An ITL histogram (bounds 0.1, 0.5, 1, +Inf) with its count and sum. */
    private static Histogram itl(double count, double sum, double... cumulative) {
        return new Histogram(BOUNDS, cumulative, count, sum);
    }

    private static EngineSample withItl(double seconds, Histogram h) {
        return sample(seconds).latency(LatencySignal.ITL, h).build();
    }

    @Test
    void onASaturatedEngineArrivalsKeepGrowingWhileTheFinishedRateIsFlat() {
        SampleWindow window = roomyWindow();
        // A full batch of 32 finishes 10 requests a second; the queue grows by 5 a second.
        for (int t = 0; t <= 4; t++) {
            window.add(engine(t, 100 + 10 * t, 32, 5 * t));
        }
        Signals signals = window.signals(at(4));
        // finished 40 over 4 s = 10/s; arrivals (40 finished + 20 more waiting) / 4 s = 15/s
        assertThat(signals.get(Signal.REQUESTS_PS)).hasValue(10.0);
        assertThat(signals.get(Signal.ARRIVALS_PS)).hasValue(15.0);
    }

    @Test
    void aCounterDropInsideTheWindowStartsArrivalsAgainFromIt() {
        SampleWindow window = roomyWindow();
        window.add(engine(0, 100, 8, 2));  // 10 in the engine
        window.add(engine(1, 120, 9, 3));
        window.add(engine(2, 5, 3, 0));    // restarted: 3 in the engine
        window.add(engine(3, 25, 4, 1));   // 5 in the engine
        // from t = 2: finished 20, in the engine +2, over 1 s
        // (counting 5 from 0 would give (45 − 5) / 3 = 13.3; a plain last − first (25 − 100 − 5) / 3 = −26.7)
        assertThat(window.signals(at(3)).get(Signal.ARRIVALS_PS)).hasValueCloseTo(22.0, within(1e-12));
    }

    @Test
    void aSampleWithoutTheGaugesStillTakesPartInTheCounterDropDetection() {
        SampleWindow window = roomyWindow();
        window.add(engine(0, 100, 4, 0));
        // No queue gauge here, but the counter shows the restart: the rates start again at 10.
        window.add(sample(1).counter(CounterSignal.REQUESTS_FINISHED, 10).gauge(GaugeSignal.RUNNING, 4).build());
        window.add(engine(2, 120, 4, 0));
        Signals signals = window.signals(at(2));
        // finished +110 over 1 s; arrivals would need all three on both sides of a span that does not cross the
        // drop, and only t = 2 has them after it (skipping the middle sample would hide the drop: 20 / 2 = 10).
        assertThat(signals.get(Signal.REQUESTS_PS)).hasValue(110.0);
        assertThat(signals.get(Signal.ARRIVALS_PS)).isEmpty();
    }

    @Test
    void theSpanRunsFromTheOldestSampleThatHasAllThree() {
        SampleWindow window = roomyWindow();
        window.add(sample(0).counter(CounterSignal.REQUESTS_FINISHED, 0).gauge(GaugeSignal.RUNNING, 0).build());
        window.add(engine(1, 10, 2, 0));
        window.add(engine(3, 30, 4, 2));
        // from t = 1: finished 20, in the engine +4, over 2 s = 12/s
        assertThat(window.signals(at(3)).get(Signal.ARRIVALS_PS)).hasValue(12.0);
    }

    @Test
    void aMissingGaugeInTheNewestSampleMakesArrivalsUnknown() {
        SampleWindow window = roomyWindow();
        window.add(engine(0, 0, 2, 1));
        window.add(sample(1).counter(CounterSignal.REQUESTS_FINISHED, 10).gauge(GaugeSignal.RUNNING, 2).build());
        Signals signals = window.signals(at(1));
        assertThat(signals.get(Signal.ARRIVALS_PS)).isEmpty();
        assertThat(signals.values()).doesNotContainKey(Signal.ARRIVALS_PS);
        // The finished rate does not need the gauges.
        assertThat(signals.get(Signal.REQUESTS_PS)).hasValue(10.0);
    }

    @Test
    void fewerThanTwoCompleteSamplesGiveNoArrivals() {
        SampleWindow window = roomyWindow();
        window.add(sample(0).counter(CounterSignal.REQUESTS_FINISHED, 0).gauge(GaugeSignal.QUEUE, 0).build());
        window.add(engine(1, 10, 2, 1));
        assertThat(window.signals(at(1)).get(Signal.ARRIVALS_PS)).isEmpty();

        SampleWindow single = roomyWindow();
        single.add(engine(0, 10, 2, 1));
        assertThat(single.signals(at(0)).get(Signal.ARRIVALS_PS)).isEmpty();
    }

    @Test
    void aRestartThatDropsTheRequestsInFlightReadsUnknownNotNegative() {
        SampleWindow window = roomyWindow();
        window.add(engine(0, 100, 30, 10)); // 40 in the engine
        window.add(engine(1, 0, 0, 0));     // restarted empty: the 40 were dropped, none finished
        // not −40/s, and not a known 0 either: nothing is known across the drop until the next scrape
        Signals signals = window.signals(at(1));
        assertThat(signals.get(Signal.ARRIVALS_PS)).isEmpty();
        assertThat(signals.rejected().get(Signal.ARRIVALS_PS).reason())
                .isEqualTo(dev.headroom.collectors.engine.Rejection.Reason.COUNTER_DROP);
        window.add(engine(2, 3, 5, 1));
        // from t = 1: 3 finished, 6 more in the engine, over 1 s
        assertThat(window.signals(at(2)).get(Signal.ARRIVALS_PS)).hasValue(9.0);
    }

    @Test
    void anIdleEngineHasAKnownZeroArrivalRate() {
        SampleWindow window = roomyWindow();
        window.add(engine(0, 50, 0, 0));
        window.add(engine(1, 50, 0, 0));
        assertThat(window.signals(at(1)).get(Signal.ARRIVALS_PS)).hasValue(0.0);
    }

    @Test
    void meanItlIsTheSumIncreaseOverTheCountIncrease() {
        SampleWindow window = roomyWindow();
        window.add(withItl(0, itl(10, 0.5, 4, 10, 10, 10)));
        window.add(withItl(1, itl(30, 1.7, 20, 30, 30, 30)));
        window.add(withItl(2, itl(50, 2.9, 30, 48, 50, 50)));
        Signals signals = window.signals(at(2));
        // (2.9 − 0.5) s / (50 − 10) tokens = 0.06 s
        assertThat(signals.get(Signal.ITL_MEAN)).hasValueCloseTo(0.06, within(1e-12));
        // The p95 of the same window is its own quantity: 40 observations, rank 38 in (0.1, 0.5]:
        // 0.1 + 0.4 × (38 − 26) / (38 − 26) = 0.5
        assertThat(signals.get(Signal.ITL_P95)).hasValueCloseTo(0.5, within(1e-12));
    }

    @Test
    void aHistogramResetInsideTheWindowCountsThePostResetHistogram() {
        SampleWindow window = roomyWindow();
        window.add(withItl(0, itl(100, 5.0, 90, 100, 100, 100)));
        window.add(withItl(1, itl(120, 6.0, 110, 120, 120, 120)));
        window.add(withItl(2, itl(10, 0.8, 8, 10, 10, 10)));    // restarted
        window.add(withItl(3, itl(30, 2.0, 25, 30, 30, 30)));
        // sums 1.0 + 0.8 + 1.2 = 3.0 over counts 20 + 10 + 20 = 50 → 0.06 s
        // (last − first would give (2.0 − 5.0) / (30 − 100) ≈ 0.043)
        assertThat(window.signals(at(3)).get(Signal.ITL_MEAN)).hasValueCloseTo(0.06, within(1e-12));
    }

    @Test
    void noObservationInTheWindowLeavesTheMeanUnknown() {
        SampleWindow window = roomyWindow();
        window.add(withItl(0, itl(10, 0.5, 4, 10, 10, 10)));
        window.add(withItl(1, itl(10, 0.5, 4, 10, 10, 10)));
        assertThat(window.signals(at(1)).get(Signal.ITL_MEAN)).isEmpty();
    }

    @Test
    void oneSampleOrAnUnknownSumLeavesTheMeanUnknown() {
        SampleWindow single = roomyWindow();
        single.add(withItl(0, itl(10, 0.5, 4, 10, 10, 10)));
        assertThat(single.signals(at(0)).get(Signal.ITL_MEAN)).isEmpty();

        // An engine that exposes buckets and count but no _sum: the dialect reads the sum as NaN.
        SampleWindow noSum = roomyWindow();
        noSum.add(withItl(0, itl(10, Double.NaN, 4, 10, 10, 10)));
        noSum.add(withItl(1, itl(30, Double.NaN, 20, 30, 30, 30)));
        Signals signals = noSum.signals(at(1));
        assertThat(signals.get(Signal.ITL_MEAN)).isEmpty();
        assertThat(signals.get(Signal.ITL_P50)).isPresent();
    }

    @Test
    void theNewestSampleWithoutTheHistogramLeavesTheMeanUnknown() {
        SampleWindow window = roomyWindow();
        window.add(withItl(0, itl(10, 0.5, 4, 10, 10, 10)));
        window.add(withItl(1, itl(30, 1.7, 20, 30, 30, 30)));
        window.add(sample(2).gauge(GaugeSignal.QUEUE, 0).build());
        assertThat(window.signals(at(2)).get(Signal.ITL_MEAN)).isEmpty();
    }

    @Test
    void aBucketLayoutChangeHidesTheQuantilesButNotTheMean() {
        SampleWindow window = roomyWindow();
        window.add(withItl(0, itl(10, 0.5, 4, 10, 10, 10)));
        // The engine now exposes finer buckets; count and sum carry on.
        window.add(withItl(1, new Histogram(new double[]{0.05, 0.1, 0.5, 1.0, INF},
                new double[]{10, 20, 30, 30, 30}, 30, 1.7)));
        Signals signals = window.signals(at(1));
        assertThat(signals.get(Signal.ITL_P95)).isEmpty();
        assertThat(signals.get(Signal.ITL_MEAN)).hasValueCloseTo(1.2 / 20, within(1e-12));
    }
}
