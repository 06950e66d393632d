package dev.headroom.simulator.trace;

import dev.headroom.simulator.SimRequest;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Rate scaling by superposed, jittered copies on the trace's own clock. */
class TraceSuperposeTest {

    private static Trace evenly(int n, double gapSeconds) {
        List<TraceRecord> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(new TraceRecord(i + 2, 1_700_000_000_000_000_000L + Math.round(i * gapSeconds * 1e9), 100 + i,
                    10 + i));
        }
        return new Trace("even", rows);
    }

    @Test
    void wholeCopiesMultiplyTheCountKeepTheClockAndEveryLength() {
        Trace t = evenly(100, 1.0);
        Replay r = TraceReplay.prepare(t, ReplayOptions.whole(4096).withRescale(Rescale.superpose(3, 2.0, 7)));
        assertThat(r.requests()).hasSize(300);
        assertThat(r.durationSeconds()).as("no time compression").isEqualTo(99.0);
        assertThat(r.rateMultiplier()).isEqualTo(3.0);
        // Each recorded request appears three times, lengths unchanged, within ±1 s of its own time.
        for (int i = 0; i < 100; i++) {
            int prompt = 100 + i;
            List<SimRequest> copies = r.requests().stream().filter(q -> q.promptTokens() == prompt).toList();
            assertThat(copies).hasSize(3).allSatisfy(q -> {
                assertThat(q.outputTokens()).isEqualTo(10 + prompt - 100);
                assertThat(q.arrivalSeconds()).isBetween(Math.max(0, prompt - 100 - 1.0), Math.min(99, prompt - 100 + 1.0));
            });
        }
        assertThat(r.requests()).extracting(SimRequest::id).containsExactlyElementsOf(
                java.util.stream.LongStream.range(0, 300).boxed().toList());
        assertThat(r.requests()).isSortedAccordingTo(java.util.Comparator.comparingDouble(SimRequest::arrivalSeconds));
    }

    @Test
    void aJitterWiderThanTheTraceFoldsAcrossItInsteadOfPilingUpAtTheStart() {
        // 100 rows over 99 s, each copied 10 times with a jitter of ±50,000 s: reflected once only, nearly every
        // copy landed at 0 s, one burst of 1,000 requests. Folded back and forth, they spread over the whole span.
        Trace t = evenly(100, 1.0);
        Replay r = TraceReplay.prepare(t, ReplayOptions.whole(4096).withRescale(Rescale.superpose(10, 100_000, 3)));
        assertThat(r.requests()).hasSize(1_000).allSatisfy(q -> assertThat(q.arrivalSeconds()).isBetween(0.0, 99.0));
        long atStart = r.requests().stream().filter(q -> q.arrivalSeconds() < 1).count();
        long firstHalf = r.requests().stream().filter(q -> q.arrivalSeconds() < 49.5).count();
        assertThat(atStart).as("copies within the first second").isLessThan(40);
        assertThat(firstHalf).as("copies in the first half of the span").isBetween(400L, 600L);

        assertThat(TraceReplay.reflect(-3, 10)).isEqualTo(3);
        assertThat(TraceReplay.reflect(13, 10)).isEqualTo(7);
        assertThat(TraceReplay.reflect(27, 10)).isEqualTo(7);
        assertThat(TraceReplay.reflect(-45, 10)).isEqualTo(5);
        assertThat(TraceReplay.reflect(5, 0)).isZero();
    }

    @Test
    void aFractionalCountThinsOrAddsByChanceAndTheSameSeedGivesTheSameRequests() {
        Trace t = evenly(10_000, 0.1);
        Replay thin = TraceReplay.prepare(t, ReplayOptions.whole(4096).withRescale(Rescale.superpose(0.25, 0, 1)));
        assertThat(thin.requests().size()).isBetween(2_300, 2_700);
        assertThat(thin.thinned()).as("rows given no copy are counted").isEqualTo(10_000 - thin.requests().size());
        assertThat(thin.rowsDropped()).isEqualTo(thin.thinned());
        Replay more = TraceReplay.prepare(t, ReplayOptions.whole(4096).withRescale(Rescale.superpose(2.5, 1, 1)));
        assertThat(more.requests().size()).isBetween(24_500, 25_500);
        assertThat(more.thinned()).isZero();

        Replay again = TraceReplay.prepare(t, ReplayOptions.whole(4096).withRescale(Rescale.superpose(2.5, 1, 1)));
        assertThat(again.requests()).isEqualTo(more.requests());
        Replay other = TraceReplay.prepare(t, ReplayOptions.whole(4096).withRescale(Rescale.superpose(2.5, 1, 2)));
        assertThat(other.requests()).isNotEqualTo(more.requests());
    }

    @Test
    void aTargetPeakKeepsTheAzureTracesHourAndItsMinuteByMinuteShape() throws Exception {
        Trace azure = TraceReaderTest.azure();
        Replay asIs = TraceReplay.prepare(azure, ReplayOptions.whole(131_072));
        Replay scaled = TraceReplay.prepare(azure, ReplayOptions.whole(131_072)
                .withRescale(Rescale.superposeToPeak(70, 60, 30, 1)));
        assertThat(scaled.durationSeconds()).isEqualTo(asIs.durationSeconds());
        assertThat(scaled.rateMultiplier()).isCloseTo(70 / asIs.peakRate(), within(1e-9));
        assertThat(scaled.peakRate()).as("jitter smooths the peak a little").isBetween(63.0, 72.0);
        assertThat(scaled.requests().size()).isCloseTo((int) Math.round(azure.size() * scaled.rateMultiplier()),
                within(300));
        // Per ten minutes the superposed load follows the recorded one (rises and falls at the trace's pace).
        int[] a = perTenMinutes(asIs);
        int[] b = perTenMinutes(scaled);
        for (int i = 0; i < a.length; i++) {
            assertThat(b[i] / scaled.rateMultiplier()).isCloseTo(a[i], within(a[i] * 0.03 + 5));
        }
    }

    private static int[] perTenMinutes(Replay r) {
        int[] counts = new int[(int) (r.durationSeconds() / 600) + 1];
        for (SimRequest q : r.requests()) {
            counts[(int) (q.arrivalSeconds() / 600)]++;
        }
        return counts;
    }

    @Test
    void badSettingsAreRefusedByName() {
        assertThatThrownBy(() -> Rescale.superpose(0, 1, 1)).hasMessageContaining("copies");
        assertThatThrownBy(() -> Rescale.superpose(2, -1, 1)).hasMessageContaining("jitter");
        assertThatThrownBy(() -> Rescale.superposeToPeak(Double.NaN, 60, 1, 1)).hasMessageContaining("peak rate");
        assertThatThrownBy(() -> Rescale.superposeToPeak(70, 60, Double.POSITIVE_INFINITY, 1))
                .hasMessageContaining("jitter");
    }
}
