package dev.headroom.agent.deploy;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chart bundles the project's Grafana dashboards and alert rules (Helm reads only files inside the chart):
 * {@code files/dashboards/} holds exactly {@code dashboards/grafana/*.json} and {@code files/rules/} exactly
 * {@code dashboards/prometheus/headroom-alerts.yml}, byte for byte. Regenerate with {@code deploy/render.sh}.
 */
class ChartFilesInStepTest {

    private static final Path DASHBOARDS = Deploy.root().resolve("dashboards/grafana");
    private static final Path RULES = Deploy.root().resolve("dashboards/prometheus/headroom-alerts.yml");
    private static final Path CHART_DASHBOARDS = Deploy.chart().resolve("files/dashboards");
    private static final Path CHART_RULES = Deploy.chart().resolve("files/rules");

    @Test
    void chartDashboardsAreTheProjectsDashboards() throws IOException {
        List<Path> sources = list(DASHBOARDS, ".json");
        assertThat(sources).as("the project's dashboards").isNotEmpty();
        if (Deploy.writing()) {
            for (Path stale : list(CHART_DASHBOARDS, ".json")) {
                Files.delete(stale);
            }
            for (Path source : sources) {
                Deploy.write(CHART_DASHBOARDS.resolve(source.getFileName()), Deploy.read(source));
            }
        }
        assertThat(names(list(CHART_DASHBOARDS, ".json"))).as("%s; run deploy/render.sh", CHART_DASHBOARDS)
                .isEqualTo(names(sources));
        for (Path source : sources) {
            assertThat(Deploy.read(CHART_DASHBOARDS.resolve(source.getFileName())))
                    .as("%s; run deploy/render.sh", source.getFileName()).isEqualTo(Deploy.read(source));
        }
    }

    @Test
    void chartRulesAreTheProjectsAlertRules() throws IOException {
        Path copy = CHART_RULES.resolve(RULES.getFileName());
        if (Deploy.writing()) {
            Deploy.write(copy, Deploy.read(RULES));
        }
        assertThat(names(list(CHART_RULES, ".yml"))).containsExactly(RULES.getFileName().toString());
        assertThat(Deploy.read(copy)).as("%s; run deploy/render.sh", copy).isEqualTo(Deploy.read(RULES));
    }

    private static List<Path> list(Path dir, String suffix) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
        }
    }

    private static List<String> names(List<Path> paths) {
        return paths.stream().map(p -> p.getFileName().toString()).toList();
    }
}
