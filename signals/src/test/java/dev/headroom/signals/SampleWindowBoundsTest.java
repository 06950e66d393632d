package dev.headroom.signals;

import dev.headroom.collectors.engine.CounterSignal;
import dev.headroom.collectors.engine.EngineSample;
import dev.headroom.collectors.engine.GaugeSignal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.headroom.signals.Samples.at;
import static dev.headroom.signals.Samples.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SampleWindowBoundsTest {

    @Test
    void keepsAtMostMaxSamplesAndRatesOverThoseOnly() {
        SampleWindow window = new SampleWindow(Samples.window(3, 3600, 3600));
        double[] tokens = {0, 100, 110, 120, 130};
        for (int i = 0; i < tokens.length; i++) {
            window.add(sample(i).counter(CounterSignal.PROMPT_TOKENS, tokens[i]).build());
        }
        assertThat(window.size()).isEqualTo(3);
        Signals signals = window.signals(at(4));
        assertThat(signals.samples()).isEqualTo(3);
        // kept t2, t3, t4: (130 − 110) over 2 s = 10/s; all five would give 130/4 = 32.5/s
        assertThat(signals.get(Signal.PROMPT_TPS)).hasValue(10.0);
    }

    @Test
    void dropsSamplesOlderThanTheSpanBeforeTheNewest() {
        SampleWindow window = new SampleWindow(Samples.window(64, 10, 3600));
        window.add(sample(0).counter(CounterSignal.PROMPT_TOKENS, 0).build());
        window.add(sample(5).counter(CounterSignal.PROMPT_TOKENS, 500).build());
        window.add(sample(10).counter(CounterSignal.PROMPT_TOKENS, 600).build());
        // exactly one span apart is still inside: rate (600 − 0)/10 s = 60/s over three samples
        assertThat(window.size()).isEqualTo(3);
        assertThat(window.signals(at(10)).get(Signal.PROMPT_TPS)).hasValue(60.0);

        window.add(sample(16).counter(CounterSignal.PROMPT_TOKENS, 660).build());
        // t0 (16 s old) and t5 (11 s old) leave; (660 − 600)/6 s = 10/s
        assertThat(window.size()).isEqualTo(2);
        assertThat(window.signals(at(16)).get(Signal.PROMPT_TPS)).hasValue(10.0);
    }

    @Test
    void aLongGapLeavesOnlyTheNewSample() {
        SampleWindow window = new SampleWindow(Samples.window(64, 10, 3));
        window.add(sample(0).counter(CounterSignal.PROMPT_TOKENS, 0).build());
        window.add(sample(1).counter(CounterSignal.PROMPT_TOKENS, 10).build());
        window.add(sample(60).counter(CounterSignal.PROMPT_TOKENS, 20).gauge(GaugeSignal.QUEUE, 1).build());
        Signals signals = window.signals(at(60));
        assertThat(signals.samples()).isEqualTo(1);
        assertThat(signals.get(Signal.PROMPT_TPS)).isEmpty();
        assertThat(signals.get(Signal.QUEUE)).hasValue(1.0);
    }

    @ParameterizedTest(name = "a sample at t = {0} s after one at t = 5 s is {1}")
    @CsvSource({"5, DUPLICATE_TIMESTAMP", "4.999, OUT_OF_ORDER", "0, OUT_OF_ORDER"})
    void ignoresAndCountsSamplesThatAreNotNewer(double seconds, SampleWindow.Rejection reason) {
        SampleWindow window = Samples.roomyWindow();
        EngineSample kept = sample(5).gauge(GaugeSignal.QUEUE, 1).build();
        window.add(kept);
        window.add(sample(seconds).gauge(GaugeSignal.QUEUE, 99).build());
        assertThat(window.rejected(reason)).isEqualTo(1);
        for (SampleWindow.Rejection other : SampleWindow.Rejection.values()) {
            if (other != reason) {
                assertThat(window.rejected(other)).isZero();
            }
        }
        assertThat(window.size()).isEqualTo(1);
        assertThat(window.newest()).contains(kept);
        assertThat(window.signals(at(5)).get(Signal.QUEUE)).hasValue(1.0);
    }

    @Test
    void windowConfigRejectsUnusableBounds() {
        assertThatThrownBy(() -> new WindowConfig(1, Duration.ofSeconds(30), Duration.ofSeconds(3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxSamples").hasMessageContaining("1");
        assertThatThrownBy(() -> new WindowConfig(8, Duration.ZERO, Duration.ofSeconds(3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxSpan");
        assertThatThrownBy(() -> new WindowConfig(8, Duration.ofSeconds(30), Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("staleAfter");
    }

    @Test
    void defaultsFollowTheScrapeInterval() {
        assertThat(WindowConfig.defaults()).isEqualTo(new WindowConfig(128, Duration.ofSeconds(30), Duration.ofSeconds(3)));
        WindowConfig fast = WindowConfig.forScrapeInterval(Duration.ofMillis(100), Duration.ofSeconds(30));
        // 301 samples fit in 30 s at 10 Hz; twice that for early scrapes
        assertThat(fast.maxSamples()).isEqualTo(602);
        assertThat(fast.staleAfter()).isEqualTo(Duration.ofMillis(300));
        assertThat(WindowConfig.forScrapeInterval(Duration.ofNanos(1), Duration.ofHours(1)).maxSamples())
                .isEqualTo(WindowConfig.MAX_SAMPLES_LIMIT);
    }

    @Test
    void anUnsetStaleAfterIsThreeScrapeIntervalsAndAGivenOneIsKept() {
        assertThat(WindowConfig.forScrapeInterval(Duration.ofSeconds(5), Duration.ofSeconds(30)).staleAfter())
                .isEqualTo(WindowConfig.staleAfterFor(Duration.ofSeconds(5))).isEqualTo(Duration.ofSeconds(15));
        WindowConfig given = WindowConfig.forScrapeInterval(Duration.ofSeconds(5), Duration.ofSeconds(30),
                Duration.ofSeconds(7));
        assertThat(given.staleAfter()).isEqualTo(Duration.ofSeconds(7));
        assertThat(given).isEqualTo(new WindowConfig(given.maxSamples(), Duration.ofSeconds(30), Duration.ofSeconds(7)));
    }

    @ParameterizedTest(name = "stale after {0} s with scrapes every 5 s is rejected")
    @ValueSource(ints = {1, 3, 5})
    void aStaleAfterNotLongerThanTheScrapeIntervalIsRejected(int seconds) {
        assertThatThrownBy(() -> WindowConfig.forScrapeInterval(Duration.ofSeconds(5), Duration.ofSeconds(30),
                Duration.ofSeconds(seconds)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("staleAfter (PT" + seconds + "S)")
                .hasMessageContaining("longer than the scrape interval (PT5S)")
                .hasMessageContaining("PT15S");
    }

    @Test
    void oneWriterAndConcurrentReadersSeeConsistentSignals() throws InterruptedException {
        SampleWindow window = new SampleWindow(Samples.window(16, 3600, 3600));
        int samples = 5_000;
        int readers = 2;
        CountDownLatch start = new CountDownLatch(1);
        AtomicBoolean writing = new AtomicBoolean(true);
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        threads.add(new Thread(() -> {
            try {
                start.await();
                for (int i = 0; i < samples; i++) {
                    // a restart every 100 samples; rates must stay ≥ 0 whatever a reader catches
                    window.add(sample(i).counter(CounterSignal.PROMPT_TOKENS, (i % 100) * 10.0)
                            .gauge(GaugeSignal.QUEUE, i).build());
                }
            } catch (Throwable t) {
                failures.add(t);
            } finally {
                writing.set(false);
            }
        }));
        for (int r = 0; r < readers; r++) {
            threads.add(new Thread(() -> {
                try {
                    start.await();
                    // bounded: at most 200 000 reads, stops as soon as the writer is done
                    for (int n = 0; n < 200_000 && writing.get(); n++) {
                        Signals s = window.signals(at(samples));
                        if (s.samples() > 16) {
                            violations.add("held " + s.samples() + " samples");
                        }
                        s.get(Signal.PROMPT_TPS).ifPresent(rate -> {
                            if (rate < 0) {
                                violations.add("negative rate " + rate);
                            }
                        });
                    }
                } catch (Throwable t) {
                    failures.add(t);
                }
            }));
        }
        threads.forEach(Thread::start);
        start.countDown();
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(30));
            assertThat(t.isAlive()).as("thread finished within 30 s").isFalse();
        }
        assertThat(failures).isEmpty();
        assertThat(violations).isEmpty();
        assertThat(window.size()).isEqualTo(16);
        assertThat(window.signals(at(samples - 1)).get(Signal.QUEUE)).hasValue(samples - 1.0);
    }
}
