package dev.headroom.agent.prometheus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every dashboard in {@code dashboards/grafana/} is a valid Grafana dashboard (Grafana's own strict schema,
 * copied into {@code dashboards/schema/}), has the variables it promises and a PromQL query on every panel.
 */
class DashboardSchemaTest {

    private static Schema schema;

    @BeforeAll
    static void loadSchema() throws Exception {
        try (InputStream in = Files.newInputStream(PrometheusTools.DASHBOARDS.resolve("schema/grafana-dashboard.schema.json"))) {
            schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7).getSchema(in);
        }
    }

    @Test
    void everyDashboardValidatesAgainstGrafanasSchema() throws Exception {
        List<Path> files = PrometheusTools.dashboards();
        assertThat(files).extracting(p -> p.getFileName().toString())
                .containsExactlyInAnyOrder("headroom-autoscaling.json", "headroom-engine.json");
        for (Path file : files) {
            List<Error> errors = schema.validate(new ObjectMapper().readTree(file.toFile()));
            assertThat(errors).as("schema errors in %s", file.getFileName()).isEmpty();
        }
    }

    @Test
    void theSchemaRejectsWhatGrafanaWouldNot() throws Exception {
        // The validator must be strict for the test above to mean anything: an unknown key and a wrong type fail.
        ObjectNode dashboard = (ObjectNode) new ObjectMapper().readTree(
                PrometheusTools.DASHBOARDS.resolve("grafana/headroom-engine.json").toFile());
        ObjectNode unknownKey = dashboard.deepCopy().put("colour", "blue");
        assertThat(schema.validate(unknownKey)).isNotEmpty();
        // Open only where Grafana's dashboard kind is open: an annotation query takes its datasource's own keys,
        // but still needs its name, and a wrong type is still wrong.
        ObjectNode annotations = (ObjectNode) new ObjectMapper().readTree(
                PrometheusTools.DASHBOARDS.resolve("grafana/headroom-autoscaling.json").toFile());
        ObjectNode prometheusAnnotation = (ObjectNode) annotations.path("annotations").path("list").get(1);
        assertThat(prometheusAnnotation.path("expr").asText()).isNotBlank();
        ObjectNode nameless = annotations.deepCopy();
        ((ObjectNode) nameless.path("annotations").path("list").get(1)).remove("name");
        assertThat(schema.validate(nameless)).isNotEmpty();
        ObjectNode badEnable = annotations.deepCopy();
        ((ObjectNode) badEnable.path("annotations").path("list").get(1)).put("enable", "yes");
        assertThat(schema.validate(badEnable)).isNotEmpty();
        ObjectNode badGrid = dashboard.deepCopy();
        ((ObjectNode) badGrid.path("panels").get(0).path("gridPos")).put("w", "wide");
        assertThat(schema.validate(badGrid)).isNotEmpty();
    }

    @Test
    void theEngineDashboardHasItsVariablesAndPanels() throws Exception {
        Dashboard engine = Dashboard.read(PrometheusTools.DASHBOARDS.resolve("grafana/headroom-engine.json"));
        assertThat(engine.variables()).contains("namespace", "model", "pod");
        assertThat(engine.queries()).extracting(Dashboard.Query::panel).contains(
                "Saturation next to GPU utilisation", "KV-cache occupancy", "Queue and running requests",
                "Requests arriving and finished per second", "Tokens per second", "Time to first token p50 / p95",
                "Inter-token latency p50 / p95 / mean", "Preemptions per second", "GPU memory");
        // Arrivals beside finished: past capacity finished flattens and only arrivals show the excess.
        assertThat(engine.queries()).filteredOn(q -> q.panel().equals("Requests arriving and finished per second"))
                .extracting(Dashboard.Query::expr)
                .anySatisfy(e -> assertThat(e).startsWith("headroom_arriving_requests_per_second{"))
                .anySatisfy(e -> assertThat(e).startsWith("headroom_finished_requests_per_second{"));
        assertThat(legends(engine, "Requests arriving and finished per second"))
                .containsExactlyInAnyOrder("arriving {{pod}}", "finished {{pod}}");
        // The mean time per output token beside the per-pod quantiles of the same histogram, and the p95 over all
        // the selected pods from the histogram's buckets, summed by le: the one latency quantile that aggregates.
        assertThat(engine.queries()).filteredOn(q -> q.panel().equals("Inter-token latency p50 / p95 / mean"))
                .extracting(Dashboard.Query::expr)
                .anySatisfy(e -> assertThat(e).startsWith("headroom_inter_token_latency_p95_seconds{"))
                .anySatisfy(e -> assertThat(e).startsWith("headroom_inter_token_latency_mean_seconds{"))
                .anySatisfy(e -> assertThat(e).startsWith("histogram_quantile(0.95, sum by (le) (rate(")
                        .contains("headroom_inter_token_latency_seconds_bucket{"));
        // No panel reads a quantile label: the per-pod quantiles carry their percentile in their names.
        for (Path file : PrometheusTools.dashboards()) {
            assertThat(Dashboard.read(file).queries()).extracting(Dashboard.Query::expr)
                    .allSatisfy(e -> assertThat(e).doesNotContain("quantile=").doesNotContain("{{quantile}}"));
        }
        assertThat(legends(engine, "Inter-token latency p50 / p95 / mean")).contains("{{pod}} mean");
        // The trap panel: composite saturation and GPU utilisation in the same panel.
        assertThat(engine.queries()).filteredOn(q -> q.panel().equals("Saturation next to GPU utilisation"))
                .extracting(Dashboard.Query::expr)
                .anySatisfy(e -> assertThat(e).contains("headroom_saturation_composite_ratio"))
                .anySatisfy(e -> assertThat(e).contains("headroom_gpu_utilization_ratio"));
        Dashboard autoscaling = Dashboard.read(PrometheusTools.DASHBOARDS.resolve("grafana/headroom-autoscaling.json"));
        assertThat(autoscaling.queries()).extracting(Dashboard.Query::expr)
                .anySatisfy(e -> assertThat(e).contains("headroom_desired_replicas"))
                .anySatisfy(e -> assertThat(e).contains("headroom_current_replicas"))
                .anySatisfy(e -> assertThat(e).contains("headroom_scaling_decisions_total").contains("by (reason)"))
                .anySatisfy(e -> assertThat(e).contains("headroom_saturation_ratio").contains("by (signal)"));
        // Beside the sidecar's saturation (against its display targets), the one the controller decides on.
        assertThat(autoscaling.queries()).filteredOn(q -> q.panel().equals("Saturation the controller scales on"))
                .extracting(Dashboard.Query::expr)
                .anySatisfy(e -> assertThat(e).contains("headroom_policy_saturation_ratio").contains("signal"))
                .anySatisfy(e -> assertThat(e).contains("headroom_policy_saturation_composite_ratio"));
        assertThat(autoscaling.queries()).extracting(Dashboard.Query::expr)
                .anySatisfy(e -> assertThat(e).contains("headroom_policy_target"));
        // A per-model view: a model variable, and every panel narrowed by it (the controller's series, which
        // carry no model, through the engines' info series of their workload).
        assertThat(autoscaling.variables()).containsExactly("datasource", "namespace", "workload", "model");
        assertThat(autoscaling.queries()).extracting(Dashboard.Query::expr)
                .allSatisfy(e -> assertThat(e).contains("$model"));
        // Scaling decisions as annotations, from Prometheus: the desired replicas changing, and the decisions to
        // scale up or down by reason.
        assertThat(autoscaling.annotationQueries()).extracting(Dashboard.Query::expr)
                .anySatisfy(e -> assertThat(e).contains("changes(headroom_desired_replicas{"))
                .anySatisfy(e -> assertThat(e).contains("headroom_scaling_decisions_total{").contains("scale_up|scale_down"))
                .allSatisfy(e -> assertThat(e).contains("$namespace", "$workload", "$model"));
    }

    @Test
    void ratesHaveRateUnitsAndTheDashboardsLinkEachOther() throws Exception {
        JsonNode engine = new ObjectMapper().readTree(PrometheusTools.DASHBOARDS.resolve("grafana/headroom-engine.json").toFile());
        JsonNode autoscaling = new ObjectMapper().readTree(
                PrometheusTools.DASHBOARDS.resolve("grafana/headroom-autoscaling.json").toFile());
        Map<String, String> units = new HashMap<>();
        engine.path("panels").forEach(p -> units.put(p.path("title").asText(),
                p.path("fieldConfig").path("defaults").path("unit").asText()));
        assertThat(units).containsEntry("Tokens per second", "tokens/s").containsEntry("Preemptions per second", "ops")
                .containsEntry("Requests arriving and finished per second", "reqps");
        assertThat(autoscaling.path("links").findValuesAsText("url")).singleElement().asString()
                .startsWith("/d/" + engine.path("uid").asText() + "?").contains("${namespace:queryparam}", "${model:queryparam}");
        assertThat(engine.path("links").findValuesAsText("url")).singleElement().asString()
                .startsWith("/d/" + autoscaling.path("uid").asText() + "?").contains("${namespace:queryparam}", "${model:queryparam}");
    }

    @Test
    void panelsDoNotOverlapAndFitTheGrid() throws Exception {
        for (Path file : PrometheusTools.dashboards()) {
            JsonNode json = new ObjectMapper().readTree(file.toFile());
            Map<String, String> cells = new HashMap<>();
            for (JsonNode panel : json.path("panels")) {
                String title = panel.path("title").asText();
                JsonNode grid = panel.path("gridPos");
                int x = grid.path("x").asInt();
                int y = grid.path("y").asInt();
                int w = grid.path("w").asInt();
                int h = grid.path("h").asInt();
                assertThat(x + w).as("right edge of %s in %s", title, file.getFileName()).isLessThanOrEqualTo(24);
                for (int cx = x; cx < x + w; cx++) {
                    for (int cy = y; cy < y + h; cy++) {
                        String other = cells.putIfAbsent(cx + "," + cy, title);
                        assertThat(other).as("%s overlaps %s at (%d,%d) in %s", title, other, cx, cy, file.getFileName())
                                .isNull();
                    }
                }
            }
        }
    }

    @Test
    void everyPanelHasAQueryAndUniqueIds() throws Exception {
        for (Path file : PrometheusTools.dashboards()) {
            JsonNode json = new ObjectMapper().readTree(file.toFile());
            Set<Integer> ids = new HashSet<>();
            for (JsonNode panel : json.path("panels")) {
                assertThat(ids.add(panel.path("id").asInt())).as("unique panel id in %s", file.getFileName()).isTrue();
                assertThat(panel.path("targets")).as("queries of %s", panel.path("title").asText()).isNotEmpty();
                panel.path("targets").forEach(t -> assertThat(t.path("expr").asText()).isNotBlank());
            }
        }
    }

    /** The legend formats of one panel's queries. */
    private static List<String> legends(Dashboard dashboard, String title) {
        List<String> out = new ArrayList<>();
        for (JsonNode panel : dashboard.json().path("panels")) {
            if (panel.path("title").asText().equals(title)) {
                panel.path("targets").forEach(t -> out.add(t.path("legendFormat").asText()));
            }
        }
        return out;
    }
}
