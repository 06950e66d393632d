package dev.headroom.signals;

import dev.headroom.collectors.engine.CounterSignal;
import dev.headroom.collectors.engine.LatencySignal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

class SignalTest {

    @ParameterizedTest(name = "{0} is {1} in {2}, a {3}")
    @CsvSource({
            "QUEUE,              queue,              requests, GAUGE",
            "RUNNING,            running,            requests, GAUGE",
            "KV_UTILIZATION,     kv_utilization,     ratio,    GAUGE",
            "KV_CAPACITY_TOKENS, kv_capacity_tokens, tokens,   GAUGE",
            "PROMPT_TPS,         prompt_tps,         tokens/s, RATE",
            "GENERATION_TPS,     generation_tps,     tokens/s, RATE",
            "PREEMPTIONS_PS,     preemptions_ps,     1/s,      RATE",
            "REQUESTS_PS,        requests_ps,        1/s,      RATE",
            "ARRIVALS_PS,        arrivals_ps,        1/s,      ARRIVALS",
            "TTFT_P50,           ttft_p50,           s,        QUANTILE",
            "TTFT_P95,           ttft_p95,           s,        QUANTILE",
            "ITL_P50,            itl_p50,            s,        QUANTILE",
            "ITL_P95,            itl_p95,            s,        QUANTILE",
            "ITL_MEAN,           itl_mean,           s,        MEAN",
            "E2E_P50,            e2e_p50,            s,        QUANTILE",
            "E2E_P95,            e2e_p95,            s,        QUANTILE",
            "QUEUE_TIME_P50,     queue_time_p50,     s,        QUANTILE",
            "QUEUE_TIME_P95,     queue_time_p95,     s,        QUANTILE",
    })
    void eachSignalHasItsKeyUnitAndDerivation(Signal signal, String key, String unit, Signal.Derivation derivation) {
        assertThat(signal.key()).isEqualTo(key);
        assertThat(signal.unit()).isEqualTo(unit);
        assertThat(signal.derivation()).isEqualTo(derivation);
        assertThat(Signal.fromKey(key)).contains(signal);
        // Exactly one source matches the derivation.
        assertThat(signal.gauge().isPresent()).isEqualTo(derivation == Signal.Derivation.GAUGE);
        assertThat(signal.counter().isPresent())
                .isEqualTo(derivation == Signal.Derivation.RATE || derivation == Signal.Derivation.ARRIVALS);
        assertThat(signal.latency().isPresent())
                .isEqualTo(derivation == Signal.Derivation.QUANTILE || derivation == Signal.Derivation.MEAN);
        assertThat(Double.isNaN(signal.quantile())).isEqualTo(derivation != Signal.Derivation.QUANTILE);
    }

    @Test
    void arrivalsAreDerivedFromTheFinishedCounterAndTheMeanItlFromTheItlHistogram() {
        assertThat(Signal.ARRIVALS_PS.counter()).contains(CounterSignal.REQUESTS_FINISHED);
        assertThat(Signal.ARRIVALS_PS.gauge()).isEmpty();
        assertThat(Signal.ITL_MEAN.latency()).contains(LatencySignal.ITL);
        assertThat(Signal.ARRIVALS_PS.measuresLoad()).isTrue();
        assertThat(Signal.ITL_MEAN.measuresLoad()).isTrue();
        // Neither has a default target.
        assertThat(SaturationTargets.defaults().get(Signal.ARRIVALS_PS)).isEmpty();
        assertThat(SaturationTargets.defaults().get(Signal.ITL_MEAN)).isEmpty();
    }

    @Test
    void quantileSignalsCarryTheirQuantile() {
        assertThat(Signal.TTFT_P50.quantile()).isEqualTo(0.50);
        assertThat(Signal.ITL_P95.quantile()).isEqualTo(0.95);
        assertThat(Signal.QUEUE.quantile()).isNaN();
    }

    @Test
    void keysAreUniqueSnakeCase() {
        assertThat(Arrays.stream(Signal.values()).map(Signal::key))
                .doesNotHaveDuplicates()
                .allMatch(k -> k.chars().allMatch(c -> (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'));
    }

    @Test
    void unknownKeysAreNotSignals() {
        assertThat(Signal.fromKey("gpu_utilization")).isEmpty();
        assertThat(Signal.fromKey("QUEUE")).isEmpty();
        assertThat(Signal.fromKey(null)).isEmpty();
    }

    @Test
    void onlyKvCapacityIsNotALoad() {
        assertThat(Arrays.stream(Signal.values()).filter(s -> !s.measuresLoad()))
                .containsExactly(Signal.KV_CAPACITY_TOKENS);
    }
}
