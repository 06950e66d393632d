package dev.headroom.simulator.calibration;

import dev.headroom.simulator.EngineConfig;
import dev.headroom.simulator.SimRequest;
import dev.headroom.simulator.calibration.Calibration.Comparison;
import dev.headroom.simulator.calibration.PublishedRow.Lengths;
import dev.headroom.simulator.calibration.PublishedRow.Load;
import dev.headroom.simulator.calibration.PublishedRow.Role;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class CalibrationTest {

    @Test
    void theLlamaPresetReplaysEveryPublishedRowWithinItsStatedTolerance() {
        List<Comparison> table = Calibration.compare(EngineConfig.llama31_8bH100());
        System.out.print(Calibration.table(table));
        assertThat(table).hasSize(16);
        for (Comparison c : table) {
            assertThat(c.ratio()).as(c.row().source() + ": " + c.row().condition())
                    .isCloseTo(1.0, within(c.row().tolerance()));
        }
        assertThat(table).filteredOn(c -> c.row().tolerance() > PublishedRow.TOLERANCE)
                .as("only held-out rows may be excused, each with its reason")
                .allSatisfy(c -> {
                    assertThat(c.row().role()).isEqualTo(Role.HELD_OUT);
                    assertThat(c.row().note()).isNotBlank();
                })
                .hasSizeLessThanOrEqualTo(2);
        assertThat(table).filteredOn(c -> c.row().role() == Role.HELD_OUT).hasSizeGreaterThanOrEqualTo(5);
    }

    @Test
    void theArithmeticPresetWasTooFastPerTokenAndWhenPrefillBound() {
        EngineConfig arithmetic = EngineConfig.llama31_8bH100().withStepCosts(0.0070, 26.8e-6, 49e-9);
        List<Comparison> table = Calibration.compare(arithmetic);
        Comparison lowLoad = table.get(0);
        assertThat(lowLoad.row().condition()).contains("Poisson 2 req/s");
        assertThat(lowLoad.ratio()).as("TPOT at 2 req/s").isLessThan(0.85);
        Comparison prefill = table.stream().filter(c -> c.row().condition().startsWith("prefill-heavy")).findFirst()
                .orElseThrow();
        assertThat(prefill.ratio()).as("prefill-heavy throughput").isGreaterThan(1.15);
    }

    @Test
    void shareGptLikeLengthsHaveThePublishedMeansAndALongTailWithinTheBenchmarksFilter() {
        List<SimRequest> requests = Calibration.requests(Load.poisson(4, 500), Lengths.shareGpt(202, 179),
                Calibration.SEED);
        double prompt = requests.stream().mapToInt(SimRequest::promptTokens).average().orElseThrow();
        double output = requests.stream().mapToInt(SimRequest::outputTokens).average().orElseThrow();
        assertThat(prompt).isCloseTo(202, within(1.0));
        assertThat(output).isCloseTo(179, within(1.0));
        assertThat(requests).allSatisfy(r -> {
            assertThat(r.promptTokens()).isBetween(4, 1024);
            assertThat(r.outputTokens()).isGreaterThanOrEqualTo(4);
            assertThat(r.totalTokens()).isLessThanOrEqualTo(2048);
        });
        assertThat(requests.stream().mapToInt(SimRequest::outputTokens).max().orElseThrow())
                .as("a long right tail").isGreaterThan(5 * 179);
        assertThat(requests.get(requests.size() - 1).arrivalSeconds()).as("500 arrivals at 4 req/s")
                .isCloseTo(125, within(20.0));
        assertThat(Calibration.requests(Load.poisson(4, 500), Lengths.shareGpt(202, 179), Calibration.SEED))
                .as("deterministic").isEqualTo(requests);
    }

    @Test
    void aRowExcusedFromFifteenPercentMustSayWhy() {
        PublishedRow row = Calibration.rows().get(0);
        assertThatThrownBy(() -> row.widened(0.3, " ")).hasMessageContaining("needs a note");
        assertThat(row.widened(0.3, "because").tolerance()).isEqualTo(0.3);
    }
}
