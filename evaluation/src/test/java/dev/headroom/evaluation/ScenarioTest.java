package dev.headroom.evaluation;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ScenarioTest {

    @Test
    void theDefaultScenarioIsTheBundledAzureHourWithAPeakNeedingSeveralReplicas() throws Exception {
        Scenario s = Scenario.prepare(ScenarioOptions.defaults());
        assertThat(s.source()).contains("azure-llm-conv-2023.csv");
        assertThat(s.replay().durationSeconds()).isEqualTo(3600.0);
        assertThat(s.replay().peakRate()).isCloseTo(70.0, org.assertj.core.data.Offset.offset(0.5));
        assertThat(s.requests().size()).isGreaterThan(150_000);
        assertThat(s.cluster().coldStartSeconds()).isEqualTo(90.0);
    }

    @Test
    void aJsonlTraceIsReadAndABadRowIsNamed(@TempDir Path dir) throws Exception {
        Path good = dir.resolve("t.jsonl");
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 400; i++) {
            b.append("{\"timestamp\": ").append(i * 250).append(", \"input_length\": 300, \"output_length\": 50}\n");
        }
        Files.writeString(good, b);
        Scenario s = Scenario.prepare(ScenarioOptions.defaults().withTrace(good).withPeak(8, 10).withDuration(60));
        assertThat(s.requests()).isNotEmpty().allSatisfy(r -> assertThat(r.promptTokens()).isEqualTo(300));

        Path bad = dir.resolve("bad.jsonl");
        Files.writeString(bad, "{\"timestamp\": 0, \"input_length\": 3, \"output_length\": 5}\n"
                + "{\"timestamp\": 10, \"input_length\": \"x\", \"output_length\": 5}\n");
        assertThatThrownBy(() -> Scenario.prepare(ScenarioOptions.defaults().withTrace(bad)))
                .hasMessageContaining("line 2").hasMessageContaining("input_length");
        assertThatThrownBy(() -> Scenario.prepare(ScenarioOptions.defaults().withTrace(dir.resolve("none.csv"))))
                .isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void badOptionsAreNamed() {
        assertThatThrownBy(() -> ScenarioOptions.defaults().withDuration(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("duration");
        assertThatThrownBy(() -> new Slo(2, 0.1, 1.5)).hasMessageContaining("attainment");
        assertThatThrownBy(() -> ScenarioOptions.defaults().withThreads(0)).hasMessageContaining("threads");
    }
}
