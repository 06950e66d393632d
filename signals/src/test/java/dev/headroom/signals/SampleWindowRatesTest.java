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

    /** Counter values scraped once a second from t = 0; the expected rate is worked in each row's comment. */
    static Stream<Arguments> counterSeries() {
        return Stream.of(
                // increases 200 + 300 = 500 over 2 s = 250/s
                arguments("steady growth", new double[]{100, 300, 600}, 250.0),
                // 200 + 300, then a restart: 50 counts from 0, then +200 → 750 over 4 s = 187.5/s
                // (a plain last − first would say (250 − 100)/4 = 37.5)
                arguments("engine restart in the middle", new double[]{100, 300, 600, 50, 250}, 187.5),
                // the only pair is the restart: 40 counts from 0 → 40/s, not (40 − 1000)/1 = −960
                arguments("restart between the only two samples", new double[]{1000, 40}, 40.0),
                // restart to exactly 0: 0 from 0 is no increase; then +30 → 30 over 2 s = 15/s
                arguments("restart to zero", new double[]{500, 0, 30}, 15.0),
                // two restarts: 10 + reset 5 + reset 2 + 8 → 25 over 4 s = 6.25/s
                arguments("two restarts", new double[]{0, 10, 5, 2, 10}, 6.25),
                // nothing happened: 0/s, a known zero
                arguments("idle counter", new double[]{7, 7, 7}, 0.0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("counterSeries")
    void rateCountsResetsFromZeroAndIsNeverNegative(String name, double[] values, double expected) {
        SampleWindow window = roomyWindow();
        for (int i = 0; i < values.length; i++) {
            window.add(sample(i).counter(CounterSignal.PROMPT_TOKENS, values[i]).build());
        }
        Signals signals = window.signals(at(values.length - 1));
        assertThat(signals.get(Signal.PROMPT_TPS)).hasValueCloseTo(expected, within(1e-9));
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
