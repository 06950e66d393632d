package dev.headroom.signals;

import dev.headroom.collectors.engine.CounterSignal;
import dev.headroom.collectors.engine.EngineIdentity;
import dev.headroom.collectors.engine.GaugeSignal;
import dev.headroom.collectors.engine.LatencySignal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.Map;

import static dev.headroom.signals.Samples.T0;
import static dev.headroom.signals.Samples.at;
import static dev.headroom.signals.Samples.histogram;
import static dev.headroom.signals.Samples.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StalenessTest {

    private final ManualClock clock = new ManualClock(T0);
    private final SampleWindow window = new SampleWindow(Samples.window(64, 30, 3));

    private void scrape(double queue, double tokens, double... ttft) {
        window.add(sample(Duration.between(T0, clock.instant()).toNanos() / 1e9)
                .gauge(GaugeSignal.QUEUE, queue).counter(CounterSignal.PROMPT_TOKENS, tokens)
                .latency(LatencySignal.TTFT, histogram(ttft)).build());
    }

    @ParameterizedTest(name = "newest sample {0} ms old → stale {1}")
    @CsvSource({"0, false", "1000, false", "3000, false", "3001, true", "60000, true"})
    void staleOnceTheNewestSampleIsOlderThanStaleAfter(long ageMillis, boolean stale) {
        scrape(0, 0, 0, 0, 0, 0);
        clock.advance(Duration.ofSeconds(1));
        scrape(5, 100, 1, 2, 3, 3);
        clock.advance(Duration.ofMillis(ageMillis));
        Signals signals = window.signals(clock.instant());
        assertThat(signals.stale()).isEqualTo(stale);
        assertThat(signals.age()).isEqualTo(Duration.ofMillis(ageMillis));
        assertThat(signals.samples()).isEqualTo(2);
        if (stale) {
            // an engine that stopped answering must not read as an idle one: no zero queue, no values at all
            assertThat(signals.values()).isEmpty();
            assertThat(signals.get(Signal.QUEUE)).isEmpty();
        } else {
            assertThat(signals.get(Signal.QUEUE)).hasValue(5.0);
            assertThat(signals.get(Signal.PROMPT_TPS)).hasValue(100.0);
            assertThat(signals.get(Signal.TTFT_P50)).isPresent();
        }
    }

    @Test
    void freshAgainOnceANewSampleArrives() {
        scrape(2, 0, 0, 0, 0, 0);
        clock.advance(Duration.ofSeconds(10));
        assertThat(window.signals(clock.instant()).stale()).isTrue();

        scrape(7, 50, 1, 1, 1, 1);
        Signals signals = window.signals(clock.instant());
        assertThat(signals.stale()).isFalse();
        assertThat(signals.age()).isZero();
        assertThat(signals.get(Signal.QUEUE)).hasValue(7.0);
        // the window still spans both samples (10 s < 30 s): 50 tokens over 10 s
        assertThat(signals.get(Signal.PROMPT_TPS)).hasValue(5.0);
    }

    @Test
    void anEmptyWindowIsStaleWithEverythingUnknown() {
        Signals signals = window.signals(clock.instant());
        assertThat(signals.stale()).isTrue();
        assertThat(signals.values()).isEmpty();
        assertThat(signals.samples()).isZero();
        assertThat(signals.hasData()).isFalse();
        assertThat(signals.age()).isEqualTo(Signals.NEVER);
        assertThat(signals.ageSeconds()).isEmpty();
        assertThat(signals.engine().dialect()).isEqualTo(EngineIdentity.UNKNOWN);
        assertThat(signals).isEqualTo(Signals.empty(clock.instant()));
    }

    @Test
    void aSampleStampedAfterNowHasAgeZero() {
        window.add(sample(5).gauge(GaugeSignal.QUEUE, 1).build());
        Signals signals = window.signals(at(4));
        assertThat(signals.age()).isZero();
        assertThat(signals.stale()).isFalse();
    }

    @Test
    void ageSecondsIsTheAgeWhenThereIsData() {
        scrape(0, 0, 0, 0, 0, 0);
        clock.advance(Duration.ofMillis(1500));
        assertThat(window.signals(clock.instant()).ageSeconds()).hasValue(1.5);
    }

    @Test
    void signalsRefuseStaleValuesNonFiniteValuesAndFreshEmptiness() {
        EngineIdentity engine = Samples.VLLM;
        assertThatThrownBy(() -> new Signals(T0, engine, Map.of(Signal.QUEUE, 1.0), true, Duration.ofSeconds(9), 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stale");
        assertThatThrownBy(() -> new Signals(T0, engine, Map.of(Signal.QUEUE, Double.NaN), false, Duration.ZERO, 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("queue").hasMessageContaining("NaN");
        assertThatThrownBy(() -> new Signals(T0, engine, Map.of(), false, Duration.ZERO, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no samples");
        assertThatThrownBy(() -> new Signals(T0, engine, Map.of(), true, Duration.ofSeconds(-1), 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("negative");
    }
}
