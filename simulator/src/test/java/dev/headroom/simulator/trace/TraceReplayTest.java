package dev.headroom.simulator.trace;

import dev.headroom.simulator.SimRequest;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class TraceReplayTest {

    private static Trace trace(long... secondsPromptOutput) {
        List<TraceRecord> rows = new java.util.ArrayList<>();
        for (int i = 0; i < secondsPromptOutput.length; i += 3) {
            rows.add(new TraceRecord(i / 3 + 2, 1_700_000_000_000_000_000L + secondsPromptOutput[i] * 1_000_000_000L,
                    (int) secondsPromptOutput[i + 1], (int) secondsPromptOutput[i + 2]));
        }
        return new Trace("hand", rows);
    }

    @Test
    void aRateMultiplierDividesEveryGapAndKeepsTheLengths() {
        Trace t = trace(10, 100, 10, 12, 200, 20, 20, 300, 30);
        Replay r = TraceReplay.prepare(t, ReplayOptions.whole(4096).withRescale(Rescale.rateMultiplier(4)));
        assertThat(r.requests()).containsExactly(new SimRequest(0, 0, 100, 10), new SimRequest(1, 0.5, 200, 20),
                new SimRequest(2, 2.5, 300, 30));
        assertThat(r.durationSeconds()).isEqualTo(2.5);
        assertThat(r.rateMultiplier()).isEqualTo(4);
    }

    @Test
    void aWindowIsCutInTraceSecondsBeforeRescalingAndCountsWhatItLeftOut() {
        Trace t = trace(0, 1, 1, 5, 2, 2, 10, 3, 3, 15, 4, 4, 20, 5, 5);
        Replay r = TraceReplay.prepare(t, ReplayOptions.whole(4096).withWindow(5, 15)
                .withRescale(Rescale.rateMultiplier(2)));
        assertThat(r.requests()).containsExactly(new SimRequest(0, 0, 2, 2), new SimRequest(1, 2.5, 3, 3));
        assertThat(r.outsideWindow()).isEqualTo(3);
        assertThat(r.durationSeconds()).isEqualTo(5);
    }

    @Test
    void overLongRequestsAreClippedOrDroppedAndEmptyOnesDroppedAllCounted() {
        Trace t = trace(0, 100, 10, 1, 5000, 50, 2, 10, 5000, 3, 0, 5, 4, 7, 0);
        Replay clip = TraceReplay.prepare(t, ReplayOptions.whole(1000));
        assertThat(clip.requests()).extracting(SimRequest::promptTokens).containsExactly(100, 950, 1);
        assertThat(clip.requests()).extracting(SimRequest::outputTokens).containsExactly(10, 50, 999);
        assertThat(clip.requests()).allSatisfy(q -> assertThat(q.totalTokens()).isLessThanOrEqualTo(1000));
        assertThat(clip.clipped()).isEqualTo(2);
        assertThat(clip.droppedTooLong()).isZero();
        assertThat(clip.droppedEmpty()).isEqualTo(2);

        Replay drop = TraceReplay.prepare(t, ReplayOptions.whole(1000).withLengthRule(LengthRule.DROP));
        assertThat(drop.requests()).containsExactly(new SimRequest(0, 0, 100, 10));
        assertThat(drop.droppedTooLong()).isEqualTo(2);
        assertThat(drop.clipped()).isZero();
    }

    @Test
    void aTargetPeakRateIsReachedOnTheAzureTrace() throws Exception {
        Trace azure = TraceReaderTest.azure();
        Replay asIs = TraceReplay.prepare(azure, ReplayOptions.whole(131_072));
        assertThat(asIs.peakRate()).as("the busiest minute as recorded").isBetween(8.0, 10.0);

        Replay scaled = TraceReplay.prepare(azure, ReplayOptions.whole(131_072)
                .withRescale(Rescale.targetPeakRate(40, 60)));
        assertThat(scaled.peakRate()).isCloseTo(40, within(0.05));
        // The busiest minute after compression was a longer span before it: no busier than the recorded peak
        // minute, no quieter than the trace's mean.
        assertThat(scaled.rateMultiplier()).isBetween(40 / asIs.peakRate(), 40 / asIs.meanRate());
        assertThat(scaled.requests()).hasSize(azure.size());
        assertThat(scaled.durationSeconds()).isCloseTo(azure.durationSeconds() / scaled.rateMultiplier(), within(1e-6));
    }

    @Test
    void repeatingFillsTheRequestedSpanWithWholePassesAndAPartialLast() {
        Trace t = trace(0, 1, 1, 4, 2, 2, 8, 3, 3);
        Replay r = TraceReplay.prepare(t, ReplayOptions.whole(4096).withRescale(Rescale.rateMultiplier(2))
                .repeatedUntil(10));
        // One pass spans 4 s: arrivals at 0, 2, 4; then 4, 6, 8; then 8 (10 is outside).
        assertThat(r.requests()).extracting(SimRequest::arrivalSeconds).containsExactly(0.0, 2.0, 4.0, 4.0, 6.0, 8.0,
                8.0);
        assertThat(r.requests()).extracting(SimRequest::id).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(r.passes()).isEqualTo(3);
        assertThat(r.durationSeconds()).isEqualTo(10);
        assertThat(r.pastDuration()).as("every row was replayed at least once").isZero();
    }

    @Test
    void aDurationShorterThanOnePassDropsRowsAndCountsThem() {
        Trace t = trace(0, 1, 1, 4, 2, 2, 8, 3, 3);
        Replay r = TraceReplay.prepare(t, ReplayOptions.whole(4096).withRescale(Rescale.rateMultiplier(2))
                .repeatedUntil(3));
        assertThat(r.requests()).extracting(SimRequest::arrivalSeconds).containsExactly(0.0, 2.0);
        assertThat(r.pastDuration()).isEqualTo(1);
        assertThat(r.rowsDropped()).isEqualTo(1);
    }

    @Test
    void anUnreachablePeakIsRefusedWithTheReason() {
        Trace t = trace(0, 1, 1, 4, 2, 2, 8, 3, 3);
        assertThatThrownBy(() -> TraceReplay.prepare(t, ReplayOptions.whole(4096)
                .withRescale(Rescale.targetPeakRate(1, 60))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("holds only 3 requests");
        assertThatThrownBy(() -> Rescale.rateMultiplier(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void peakRateCountsTheBusiestClosedWindow() {
        assertThat(TraceReplay.peakRate(new double[] {0, 1, 1.5, 2, 10}, 1.0)).isEqualTo(3.0);
        assertThat(TraceReplay.peakRate(new double[] {}, 1.0)).isZero();
    }
}
