package dev.headroom.signals;

import dev.headroom.collectors.engine.CounterSignal;
import dev.headroom.collectors.engine.EngineSample;
import dev.headroom.collectors.engine.GaugeSignal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static dev.headroom.signals.Samples.at;
import static dev.headroom.signals.Samples.roomyWindow;
import static dev.headroom.signals.Samples.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class SampleWindowRatesTest {

    /**
     * Counter values scraped once a second from t = 0; the expected rate is worked in each row's comment. After a
     * drop the rate starts again from the sample after it: counting the post-drop value as an increase from 0 is
     * right only for a whole-engine restart, and reads a partial drop (one data-parallel rank restarting) as
     * 10⁴–10⁷ × the true rate for the length of the window (issue 14).
     */
    static Stream<Arguments> counterSeries() {
        return Stream.of(
                // increases 200 + 300 = 500 over 2 s = 250/s
                arguments("steady growth", new double[]{100, 300, 600}, 250.0),
                // a restart at t = 3: the rate starts again from 50, +200 over 1 s = 200/s
                // (counting 50 from 0 would say 750/4 = 187.5, a plain last − first (250 − 100)/4 = 37.5)
                arguments("engine restart in the middle", new double[]{100, 300, 600, 50, 250}, 200.0),
                // restart to exactly 0: from 0, +30 over 1 s = 30/s
                arguments("restart to zero", new double[]{500, 0, 30}, 30.0),
                // two restarts: from the last (2 at t = 3), +8 over 1 s = 8/s
                arguments("two restarts", new double[]{0, 10, 5, 2, 10}, 8.0),
                // one of two ranks restarted: the sum drops from 2e6 to 1.0e6; +100 a second on each side
                arguments("partial drop, one rank restarted", new double[]{2e6, 2.0001e6, 1.0e6, 1.0001e6, 1.0002e6},
                        100.0),
                // nothing happened: 0/s, a known zero
                arguments("idle counter", new double[]{7, 7, 7}, 0.0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("counterSeries")
    void rateStartsAgainAfterADropAndIsNeverNegative(String name, double[] values, double expected) {
        SampleWindow window = roomyWindow();
        for (int i = 0; i < values.length; i++) {
            window.add(sample(i).counter(CounterSignal.PROMPT_TOKENS, values[i]).build());
        }
        Signals signals = window.signals(at(values.length - 1));
        assertThat(signals.get(Signal.PROMPT_TPS)).hasValueCloseTo(expected, within(1e-9));
        assertThat(signals.rejected()).doesNotContainKey(Signal.PROMPT_TPS);
    }

    /** Series whose newest sample is a drop: the rate is unknown for that scrape, rejected as a counter drop. */
    static Stream<Arguments> dropsAtTheNewestSample() {
        return Stream.of(
                // the only pair is the drop: not 40/s, not (40 − 1000)/1 = −960
                arguments("restart between the only two samples", new double[]{1000, 40}),
                // a partial drop read the old way would be 1.0e6 tokens in one second
                arguments("partial drop at the newest", new double[]{2e6, 2.0001e6, 2.0002e6, 1.0e6}),
                arguments("drop to zero", new double[]{5, 6, 0}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dropsAtTheNewestSample")
    void aDropAtTheNewestSampleLeavesTheRateUnknownAndSaysWhy(String name, double[] values) {
        SampleWindow window = roomyWindow();
        for (int i = 0; i < values.length; i++) {
            window.add(sample(i).counter(CounterSignal.PROMPT_TOKENS, values[i]).build());
        }
        Signals signals = window.signals(at(values.length - 1));
        assertThat(signals.get(Signal.PROMPT_TPS)).isEmpty();
        assertThat(signals.rejected().get(Signal.PROMPT_TPS).reason())
                .isEqualTo(dev.headroom.collectors.engine.Rejection.Reason.COUNTER_DROP);
        assertThat(signals.rejected().get(Signal.PROMPT_TPS).detail()).contains("went down");
    }

    @Test
    void everyCounterMapsToItsRate() {
        SampleWindow window = roomyWindow();
        window.add(sample(0).counter(CounterSignal.PROMPT_TOKENS, 0).counter(CounterSignal.GENERATION_TOKENS, 0)
                .counter(CounterSignal.PREEMPTIONS, 0).counter(CounterSignal.REQUESTS_FINISHED, 0).build());
        // 2 s later: 1000, 400, 1, 6 → /2 s
        window.add(sample(2).counter(CounterSignal.PROMPT_TOKENS, 1000).counter(CounterSignal.GENERATION_TOKENS, 400)
                .counter(CounterSignal.PREEMPTIONS, 1).counter(CounterSignal.REQUESTS_FINISHED, 6).build());
        Signals signals = window.signals(at(2));
        assertThat(signals.values()).containsEntry(Signal.PROMPT_TPS, 500.0).containsEntry(Signal.GENERATION_TPS, 200.0)
                .containsEntry(Signal.PREEMPTIONS_PS, 0.5).containsEntry(Signal.REQUESTS_PS, 3.0);
    }

    @Test
    void oneSampleGivesNoRate() {
        SampleWindow window = roomyWindow();
        window.add(sample(0).counter(CounterSignal.PROMPT_TOKENS, 100).gauge(GaugeSignal.QUEUE, 2).build());
        Signals signals = window.signals(at(0));
        assertThat(signals.get(Signal.PROMPT_TPS)).isEmpty();
        assertThat(signals.get(Signal.QUEUE)).hasValue(2.0);
    }

    @Test
    void samplesWithoutTheCounterAreSkipped() {
        SampleWindow window = roomyWindow();
        window.add(sample(0).counter(CounterSignal.PROMPT_TOKENS, 100).build());
        window.add(sample(1).gauge(GaugeSignal.QUEUE, 1).build());
        window.add(sample(2).counter(CounterSignal.PROMPT_TOKENS, 300).build());
        // (300 − 100) over the 2 s between the samples that have it = 100/s
        assertThat(window.signals(at(2)).get(Signal.PROMPT_TPS)).hasValue(100.0);
    }

    @Test
    void aCounterTheNewestSampleLacksIsUnknown() {
        SampleWindow window = roomyWindow();
        window.add(sample(0).counter(CounterSignal.PROMPT_TOKENS, 100).build());
        window.add(sample(1).counter(CounterSignal.PROMPT_TOKENS, 200).build());
        window.add(sample(2).gauge(GaugeSignal.QUEUE, 0).build());
        Signals signals = window.signals(at(2));
        assertThat(signals.get(Signal.PROMPT_TPS)).isEmpty();
        assertThat(signals.get(Signal.QUEUE)).hasValue(0.0);
    }

    @Test
    void gaugesAreTheNewestSamplesValues() {
        SampleWindow window = roomyWindow();
        window.add(sample(0).gauge(GaugeSignal.QUEUE, 9).gauge(GaugeSignal.RUNNING, 1).build());
        EngineSample newest = sample(1).gauge(GaugeSignal.QUEUE, 3).gauge(GaugeSignal.RUNNING, 64)
                .gauge(GaugeSignal.KV_UTILIZATION, 0.92).gauge(GaugeSignal.KV_CAPACITY_TOKENS, 455_344).build();
        window.add(newest);
        Signals signals = window.signals(at(1.5));
        assertThat(signals.values()).containsEntry(Signal.QUEUE, 3.0).containsEntry(Signal.RUNNING, 64.0)
                .containsEntry(Signal.KV_UTILIZATION, 0.92).containsEntry(Signal.KV_CAPACITY_TOKENS, 455_344.0);
        assertThat(signals.engine()).isEqualTo(Samples.VLLM);
        assertThat(signals.samples()).isEqualTo(2);
        assertThat(signals.at()).isEqualTo(at(1.5));
        assertThat(window.newest()).contains(newest);
    }

    @Test
    void aGaugeTheNewestSampleLacksIsUnknownEvenIfAnOlderOneHadIt() {
        SampleWindow window = roomyWindow();
        window.add(sample(0).gauge(GaugeSignal.KV_UTILIZATION, 0.5).build());
        window.add(sample(1).gauge(GaugeSignal.QUEUE, 0).build());
        assertThat(window.signals(at(1)).get(Signal.KV_UTILIZATION)).isEmpty();
    }
}
