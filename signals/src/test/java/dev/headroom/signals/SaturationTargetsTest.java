package dev.headroom.signals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class SaturationTargetsTest {

    @Test
    void defaultsAreKvQueueTtftAndItl() {
        assertThat(SaturationTargets.defaults().targets()).containsExactlyInAnyOrderEntriesOf(Map.of(
                Signal.KV_UTILIZATION, 0.80,
                Signal.QUEUE, 4.0,
                Signal.TTFT_P95, 2.0,
                Signal.ITL_P95, 0.1));
    }

    @Test
    void parsesExactlyTheKeysGiven() {
        SaturationTargets t = SaturationTargets.parse(Map.of("kv_utilization", " 0.85 ", "ttft_p95", "1.5e0"));
        assertThat(t.targets()).containsExactlyInAnyOrderEntriesOf(Map.of(Signal.KV_UTILIZATION, 0.85, Signal.TTFT_P95, 1.5));
        assertThat(t.get(Signal.QUEUE)).isEmpty();
    }

    @Test
    void overridesReplaceAddAndRemoveDefaults() {
        SaturationTargets t = SaturationTargets.defaults()
                .overriddenBy(Map.of("queue", "8", "prompt_tps", "12000", "itl_p95", "none"));
        assertThat(t.targets()).containsExactlyInAnyOrderEntriesOf(Map.of(
                Signal.KV_UTILIZATION, 0.80, Signal.QUEUE, 8.0, Signal.TTFT_P95, 2.0, Signal.PROMPT_TPS, 12000.0));
    }

    @ParameterizedTest(name = "{0}=''{1}'' is refused, saying {2}")
    @CsvSource(delimiter = '|', value = {
            "kv_utilization     | 1.5      | a ratio greater than 0 and at most 1",
            "kv_utilization     | 0        | a ratio greater than 0 and at most 1",
            "queue              | -1       | a positive finite number in requests",
            "queue              | 0        | a positive finite number in requests",
            "queue              | ''       | a positive finite number in requests",
            "ttft_p95           | abc      | a positive finite number in s",
            "ttft_p95           | NaN      | a positive finite number in s",
            "itl_p95            | Infinity | a positive finite number in s",
            "prompt_tps         | 1,000    | a positive finite number in tokens/s",
            "gpu_utilization    | 0.9      | accepted keys: queue, running, kv_utilization, prompt_tps",
            "QUEUE              | 4        | accepted keys: queue, running",
            "kv_capacity_tokens | 100000   | is not a load signal",
            "none               | 1        | accepted keys",
    })
    void badEntriesAreRefusedNamingKeyValueAndWhatIsAccepted(String key, String value, String accepted) {
        InvalidTargetsException e = catchThrowableOfType(InvalidTargetsException.class,
                () -> SaturationTargets.parse(Map.of(key, value)));
        assertThat(e).isNotNull();
        assertThat(e.problems()).singleElement().asString()
                .contains(key).contains("'" + value + "'").contains(accepted);
    }

    @Test
    void everyProblemIsReportedAtOnceInKeyOrder() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("ttft_p95", "slow");
        config.put("queue", "4");
        config.put("kv_utilization", "80");
        InvalidTargetsException e = catchThrowableOfType(InvalidTargetsException.class,
                () -> SaturationTargets.parse(config));
        assertThat(e.problems()).hasSize(2);
        assertThat(e.problems().get(0)).contains("kv_utilization='80'");
        assertThat(e.problems().get(1)).contains("ttft_p95='slow'");
        assertThat(e.getMessage()).contains("kv_utilization='80'").contains("ttft_p95='slow'");
    }

    @Test
    void noneOnlyRemovesWhenOverriding() {
        assertThatThrownBy(() -> SaturationTargets.parse(Map.of("queue", "none")))
                .isInstanceOf(InvalidTargetsException.class).hasMessageContaining("queue='none'");
    }

    @Test
    void aNullValueIsRefusedByName() {
        Map<String, String> config = new HashMap<>();
        config.put("queue", null);
        assertThatThrownBy(() -> SaturationTargets.parse(config))
                .isInstanceOf(InvalidTargetsException.class).hasMessageContaining("queue='null'");
    }

    @ParameterizedTest(name = "{0} = {1} is refused by the constructor")
    @CsvSource({"QUEUE, -4", "QUEUE, 0", "TTFT_P95, NaN", "ITL_P95, Infinity", "KV_UTILIZATION, 1.01", "KV_CAPACITY_TOKENS, 1000"})
    void theRecordValidatesToo(Signal signal, double value) {
        assertThatThrownBy(() -> new SaturationTargets(Map.of(signal, value)))
                .isInstanceOf(InvalidTargetsException.class).hasMessageContaining(signal.key());
    }

    @Test
    void theTargetsAreACopy() {
        Map<Signal, Double> source = new HashMap<>(Map.of(Signal.QUEUE, 4.0));
        SaturationTargets t = new SaturationTargets(source);
        source.put(Signal.QUEUE, 100.0);
        assertThat(t.get(Signal.QUEUE)).hasValue(4.0);
        assertThatThrownBy(() -> t.targets().put(Signal.QUEUE, 1.0)).isInstanceOf(UnsupportedOperationException.class);
    }
}
