package dev.headroom.signals;

import dev.headroom.collectors.engine.GaugeSignal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

import static dev.headroom.signals.Samples.T0;
import static dev.headroom.signals.Samples.VLLM;
import static dev.headroom.signals.Samples.at;
import static dev.headroom.signals.Samples.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SaturationTest {

    private static Signals fresh(Map<Signal, Double> values) {
        return new Signals(T0, VLLM, values, false, Duration.ZERO, 2);
    }

    /** Default targets: KV 0.80, queue 4, TTFT p95 2 s, ITL p95 0.1 s. */
    @ParameterizedTest(name = "{0} = {1} against its default target → {2}")
    @CsvSource({
            "KV_UTILIZATION, 0.92, 1.15",   // 0.92 / 0.80
            "KV_UTILIZATION, 0.40, 0.5",    // 0.40 / 0.80
            "QUEUE,          2,    0.5",    // 2 / 4
            "QUEUE,          0,    0",      // an empty queue is a known zero
            "QUEUE,          10,   2.5",    // 10 / 4
            "TTFT_P95,       3,    1.5",    // 3 s / 2 s
            "ITL_P95,        0.05, 0.5",    // 0.05 s / 0.1 s
    })
    void eachSignalIsDividedByItsTarget(Signal signal, double value, double expected) {
        Saturation s = Saturation.of(fresh(Map.of(signal, value)), SaturationTargets.defaults());
        assertThat(s.get(signal)).hasValueCloseTo(expected, within(1e-12));
        assertThat(s.composite()).hasValueCloseTo(expected, within(1e-12));
        assertThat(s.dominant()).contains(signal);
    }

    @Test
    void theCompositeIsTheMaximumAndNamesItsSignal() {
        Map<Signal, Double> values = new EnumMap<>(Signal.class);
        values.put(Signal.KV_UTILIZATION, 0.92); // 1.15
        values.put(Signal.QUEUE, 2.0);           // 0.5
        values.put(Signal.TTFT_P95, 1.0);        // 0.5
        values.put(Signal.RUNNING, 250.0);       // no target: not part of saturation
        Saturation s = Saturation.of(fresh(values), SaturationTargets.defaults());
        assertThat(s.perSignal()).containsOnlyKeys(Signal.KV_UTILIZATION, Signal.QUEUE, Signal.TTFT_P95);
        assertThat(s.get(Signal.ITL_P95)).as("unknown ITL is left out, not 0").isEmpty();
        assertThat(s.get(Signal.RUNNING)).isEmpty();
        assertThat(s.composite()).hasValueCloseTo(1.15, within(1e-12));
        assertThat(s.dominant()).contains(Signal.KV_UTILIZATION);
    }

    @Test
    void aTieGoesToTheFirstSignalInDeclarationOrder() {
        // queue 2/4 = 0.5 and KV 0.4/0.8 = 0.5: QUEUE is declared before KV_UTILIZATION
        Saturation s = Saturation.of(fresh(Map.of(Signal.QUEUE, 2.0, Signal.KV_UTILIZATION, 0.4)),
                SaturationTargets.defaults());
        assertThat(s.dominant()).contains(Signal.QUEUE);
    }

    @Test
    void noKnownSignalGivesAnUnknownCompositeNotZero() {
        Saturation s = Saturation.of(fresh(Map.of(Signal.RUNNING, 3.0)), SaturationTargets.defaults());
        assertThat(s.perSignal()).isEmpty();
        assertThat(s.composite()).isEmpty();
        assertThat(s.dominant()).isEmpty();
        assertThat(s).isEqualTo(Saturation.UNKNOWN);
    }

    @Test
    void staleOrEmptySignalsGiveUnknownSaturation() {
        SampleWindow window = new SampleWindow(Samples.window(8, 30, 3));
        assertThat(Saturation.of(window.signals(T0), SaturationTargets.defaults())).isEqualTo(Saturation.UNKNOWN);
        window.add(sample(0).gauge(GaugeSignal.QUEUE, 0).gauge(GaugeSignal.KV_UTILIZATION, 0.1).build());
        assertThat(Saturation.of(window.signals(at(1)), SaturationTargets.defaults()).composite())
                .hasValueCloseTo(0.125, within(1e-12)); // 0.1 / 0.8, the larger of 0 and 0.125
        assertThat(Saturation.of(window.signals(at(10)), SaturationTargets.defaults())).isEqualTo(Saturation.UNKNOWN);
    }

    @Test
    void customTargetsApply() {
        SaturationTargets targets = SaturationTargets.parse(Map.of("generation_tps", "2000"));
        Saturation s = Saturation.of(fresh(Map.of(Signal.GENERATION_TPS, 1500.0, Signal.KV_UTILIZATION, 0.99)), targets);
        // only generation is targeted: 1500 / 2000
        assertThat(s.perSignal()).containsOnlyKeys(Signal.GENERATION_TPS);
        assertThat(s.composite()).hasValueCloseTo(0.75, within(1e-12));
    }

    @Test
    void aNegativeReadingCountsAsZero() {
        Saturation s = Saturation.of(fresh(Map.of(Signal.QUEUE, -1.0)), SaturationTargets.defaults());
        assertThat(s.composite()).hasValue(0.0);
    }

    @Test
    void theRecordRefusesInconsistentParts() {
        assertThatThrownBy(() -> new Saturation(Map.of(Signal.QUEUE, 0.5), OptionalDouble.empty(), Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Saturation(Map.of(Signal.QUEUE, 0.5, Signal.KV_UTILIZATION, 0.9),
                OptionalDouble.of(0.5), Optional.of(Signal.QUEUE)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("composite must be the maximum 0.9");
        assertThatThrownBy(() -> new Saturation(Map.of(Signal.QUEUE, 0.5, Signal.KV_UTILIZATION, 0.9),
                OptionalDouble.of(0.9), Optional.of(Signal.QUEUE)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dominant queue");
        assertThatThrownBy(() -> new Saturation(Map.of(Signal.QUEUE, Double.NaN), OptionalDouble.of(0.5),
                Optional.of(Signal.QUEUE)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN");
    }
}
