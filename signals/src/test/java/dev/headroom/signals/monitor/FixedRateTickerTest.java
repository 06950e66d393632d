package dev.headroom.signals.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Beats on a grid, a slow run followed by one run at once and then the grid again, never a burst of the beats it
 * missed (what {@code scheduleAtFixedRate} does).
 */
class FixedRateTickerTest {

    @ParameterizedTest(name = "run on beat {0} ended at {1}: next beat {2}")
    @CsvSource({
            // beat, end of its run, next beat (period 100)
            "0, 10, 100",      // a quick run: the next beat
            "0, 100, 100",     // ended on the beat: that beat
            "0, 150, 100",     // overran one beat: it runs at once
            "0, 350, 300",     // overran three: the latest runs at once, 100 and 200 are dropped
            "1000, 1999, 1900", // the grid keeps its origin
            "-50, 49, 50"})    // nanoTime may be negative
    void theNextBeatIsTheNextOnTheGridOrTheLatestPassed(long beat, long end, long next) {
        assertThat(FixedRateTicker.nextBeat(beat, end, 100)).isEqualTo(next);
    }

    @Test
    void aRunThatOverranSeveralBeatsIsFollowedByOneRunAtOnceThenTheGrid() throws Exception {
        Duration period = Duration.ofMillis(300);
        List<Long> starts = new CopyOnWriteArrayList<>();
        long[] stallEnd = new long[1];
        AtomicInteger runs = new AtomicInteger();
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        FixedRateTicker ticker = FixedRateTicker.start(scheduler, period, () -> {
            starts.add(System.nanoTime());
            if (runs.incrementAndGet() == 2) {
                // The stalled scrape itself: three and a half periods, so that it ends between two beats.
                LockSupport.parkNanos(Duration.ofMillis(1050).toNanos());
                stallEnd[0] = System.nanoTime();
            }
        });
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() >= 6);
        } finally {
            ticker.close();
            scheduler.shutdownNow();
        }
        long burstWindow = stallEnd[0] + Duration.ofMillis(100).toNanos();
        long soonAfter = starts.stream().filter(t -> t >= stallEnd[0] && t < burstWindow).count();
        assertThat(soonAfter).as("runs within 100 ms of the stall's end: one, not one per missed beat").isEqualTo(1);
        assertThat(ticker.droppedBeats()).as("beats the stall missed, dropped").isGreaterThanOrEqualTo(2);
        assertThat(ticker.stopped()).isFalse();
        int afterStall = starts.indexOf(starts.stream().filter(t -> t >= stallEnd[0]).findFirst().orElseThrow());
        // After the run at once, the grid again (the gap to the first grid beat is half a period here).
        for (int i = afterStall + 2; i < starts.size(); i++) {
            assertThat((starts.get(i) - starts.get(i - 1)) / 1e6).as("period after the stall, ms")
                    .isGreaterThan(150.0);
        }
    }

    @Test
    void aTaskThatThrowsEndsTheTickerAndSaysSo() {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        AtomicInteger runs = new AtomicInteger();
        FixedRateTicker ticker = FixedRateTicker.start(scheduler, Duration.ofMillis(10), () -> {
            runs.incrementAndGet();
            throw new IllegalStateException("uncaught by the task");
        });
        try {
            await().atMost(Duration.ofSeconds(5)).until(ticker::stopped);
            assertThat(runs.get()).isEqualTo(1);
        } finally {
            scheduler.shutdownNow();
        }
    }
}
