package dev.headroom.agent.prometheus;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The alert rules in {@code dashboards/prometheus/} are valid Prometheus rules and pass their
 * {@code promtool test rules} unit tests (each alert fires on its condition past {@code for}, and not otherwise).
 */
class AlertRulesTest {

    private static final Path RULES_DIR = PrometheusTools.DASHBOARDS.resolve("prometheus");

    @Test
    void rulesAreValid() throws Exception {
        Path promtool = PrometheusTools.require("promtool");
        var outcome = PrometheusTools.run(RULES_DIR, Duration.ofSeconds(60), null,
                promtool.toString(), "check", "rules", "headroom-alerts.yml");
        assertThat(outcome.exitCode()).as(outcome.output()).isZero();
        assertThat(outcome.output()).contains("SUCCESS: 5 rules found");
    }

    @Test
    void everyAlertPassesItsUnitTests() throws Exception {
        Path promtool = PrometheusTools.require("promtool");
        var outcome = PrometheusTools.run(RULES_DIR, Duration.ofSeconds(120), null,
                promtool.toString(), "test", "rules", "tests/headroom-alerts.test.yml");
        assertThat(outcome.exitCode()).as(outcome.output()).isZero();
        assertThat(outcome.output()).contains("SUCCESS");
        String tests = Files.readString(RULES_DIR.resolve("tests/headroom-alerts.test.yml"));
        for (String alert : AlertRules.load(RULES_DIR.resolve("headroom-alerts.yml")).keySet()) {
            assertThat(tests).as("unit test for %s", alert).contains("alertname: " + alert);
        }
    }

    @Test
    void aBrokenThresholdFailsTheUnitTests(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path promtool = PrometheusTools.require("promtool");
        // The same rules with the saturation threshold moved: the unit tests must notice.
        String rules = Files.readString(RULES_DIR.resolve("headroom-alerts.yml"))
                .replace("(headroom_saturation_composite_ratio) > 1", "(headroom_saturation_composite_ratio) > 2");
        Files.writeString(dir.resolve("headroom-alerts.yml"), rules);
        Files.createDirectories(dir.resolve("tests"));
        Files.copy(RULES_DIR.resolve("tests/headroom-alerts.test.yml"), dir.resolve("tests/headroom-alerts.test.yml"));
        var outcome = PrometheusTools.run(dir, Duration.ofSeconds(120), null,
                promtool.toString(), "test", "rules", "tests/headroom-alerts.test.yml");
        assertThat(outcome.exitCode()).isNotZero();
        assertThat(outcome.output()).contains("HeadroomSaturationAboveTarget");
    }

    @Test
    void theControllerAlertWithoutItsActingConditionFailsTheUnitTests(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        Path promtool = PrometheusTools.require("promtool");
        // Desired ≠ current alone also fires for a standby controller and a dry-run policy: the unit tests must notice.
        String original = Files.readString(RULES_DIR.resolve("headroom-alerts.yml"));
        String rules = original.replace(" and headroom_controller_acting == 1", "");
        assertThat(rules).isNotEqualTo(original);
        Files.writeString(dir.resolve("headroom-alerts.yml"), rules);
        Files.createDirectories(dir.resolve("tests"));
        Files.copy(RULES_DIR.resolve("tests/headroom-alerts.test.yml"), dir.resolve("tests/headroom-alerts.test.yml"));
        var outcome = PrometheusTools.run(dir, Duration.ofSeconds(120), null,
                promtool.toString(), "test", "rules", "tests/headroom-alerts.test.yml");
        assertThat(outcome.exitCode()).isNotZero();
        assertThat(outcome.output()).contains("HeadroomControllerCannotAct")
                .contains("workload=\"chat\"").contains("workload=\"embed\"").contains("workload=\"rerank\"");
    }
}
