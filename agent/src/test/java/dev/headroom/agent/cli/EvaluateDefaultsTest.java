package dev.headroom.agent.cli;

import dev.headroom.evaluation.ScenarioOptions;
import dev.headroom.simulator.trace.TimestampUnit;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code headroom evaluate}'s defaults are {@link ScenarioOptions#defaults()}'s, written there and nowhere else. */
class EvaluateDefaultsTest {

    @Test
    void noOptionsDescribeTheDefaultScenario() {
        assertThat(parse().scenarioOptions()).isEqualTo(ScenarioOptions.defaults());
    }

    @Test
    void theHelpShowsTheScenariosDefaults() {
        String help = new CommandLine(new EvaluateCommand()).getUsageMessage(CommandLine.Help.Ansi.OFF)
                .replaceAll("\\s+", " ");
        ScenarioOptions d = ScenarioOptions.defaults();
        assertThat(d.scrapeInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(help).contains("--scrape-interval=DURATION", "Default: 5s", "Default: 90s", "Default: 15s",
                "holds about this many req/s. Default: 70", "Default: least-requests", "Default: llama-3.1-8b-h100",
                "Default: superpose", "Default: 0.99", "Default: Infinity (the end)");
    }

    @Test
    void theLoadIsSizedByPeakReplicasUnlessAPeakRateIsGivenAndNeverByBoth() {
        assertThat(parse().scenarioOptions().peakReplicas()).isEqualTo(ScenarioOptions.DEFAULT_PEAK_REPLICAS);
        assertThat(parse("--peak-replicas", "6").scenarioOptions().peakReplicas()).isEqualTo(6);
        ScenarioOptions byRate = parse("--peak-rate", "30").scenarioOptions();
        assertThat(byRate.sizedByReplicas()).isFalse();
        assertThat(byRate.peakRate()).isEqualTo(30.0);
        assertThatThrownBy(() -> parse("--peak-rate", "30", "--peak-replicas", "3").scenarioOptions())
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("give one");
        assertThatThrownBy(() -> parse("--peak-replicas", "0").scenarioOptions())
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("--peak-replicas must be >= 1");
        assertThatThrownBy(() -> parse("--peak-replicas", "20").scenarioOptions())
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("max replicas 16");
    }

    @Test
    void theTimestampUnitIsDetectedUnlessSet() {
        assertThat(parse().scenarioOptions().timestampUnit()).isEqualTo(TimestampUnit.AUTO);
        assertThat(parse("--timestamp-unit", "s").scenarioOptions().timestampUnit()).isEqualTo(TimestampUnit.SECONDS);
        assertThatThrownBy(() -> parse("--timestamp-unit", "h").scenarioOptions())
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("s, ms or auto");
    }

    @Test
    void intervalsAreDurationsAndABareNumberIsSeconds() {
        ScenarioOptions options = parse("--scrape-interval", "1", "--control-interval", "500ms", "--cold-start", "0")
                .scenarioOptions();
        assertThat(options.scrapeInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(options.controlInterval()).isEqualTo(Duration.ofMillis(500));
        assertThat(options.coldStart()).isZero();
        EvaluateCommand headroom = parse("--headroom-lead", "105s", "--headroom-scale-down-window", "0");
        assertThat(headroom.headroomLead).isEqualTo(Duration.ofSeconds(105));
        assertThat(headroom.headroomScaleDownWindow).isZero();
        assertThatThrownBy(() -> parse("--scrape-interval", "0"))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("--scrape-interval").hasMessageContaining("positive").hasMessageContaining("'0'");
    }

    private static EvaluateCommand parse(String... args) {
        EvaluateCommand command = new EvaluateCommand();
        new CommandLine(command).parseArgs(args);
        return command;
    }
}
