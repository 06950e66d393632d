package dev.headroom.agent.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The chart's {@code values.schema.json} (JSON Schema draft-07, which Helm applies to the merged values on install,
 * upgrade, template and lint): the chart's own values and every {@code ci/} values file are valid, each wrong value
 * is rejected naming its field, and real Helm refuses to render with one.
 */
class ValuesSchemaTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static Schema schema;
    private static ObjectNode defaults;

    @BeforeAll
    static void load() throws IOException {
        JsonNode schemaNode = JSON.readTree(Deploy.chart().resolve("values.schema.json").toFile());
        assertThat(schemaNode.path("$schema").asText()).isEqualTo("http://json-schema.org/draft-07/schema#");
        schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7).getSchema(schemaNode);
        defaults = (ObjectNode) YAML.readTree(Deploy.chart().resolve("values.yaml").toFile());
    }

    @Test
    void theChartsOwnValuesAreValid() {
        assertThat(schema.validate(defaults)).isEmpty();
    }

    @Test
    void everyCiValuesFileIsValidMergedOverTheDefaults() throws IOException {
        List<Path> files;
        try (Stream<Path> listed = Files.list(Deploy.chart().resolve("ci"))) {
            files = listed.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertThat(files).extracting(p -> p.getFileName().toString())
                .contains("full-values.yaml", "kube-prometheus-stack-values.yaml", "namespaced-values.yaml");
        for (Path file : files) {
            ObjectNode merged = merge(defaults.deepCopy(), (ObjectNode) YAML.readTree(file.toFile()));
            assertThat(schema.validate(merged)).as("%s", file.getFileName()).isEmpty();
        }
    }

    @Test
    void everyWrongValueIsRejectedNamingTheField() {
        assertRejected(v -> v.with("crds").put("install", "yes"), "/crds/install");
        assertRejected(v -> v.with("crds").put("upgrade", true), "/crds");
        assertRejected(v -> v.with("controller").put("replicas", 0), "/controller/replicas");
        assertRejected(v -> v.with("controller").put("replicas", "two"), "/controller/replicas");
        assertRejected(v -> v.with("controller").put("httpPort", 70000), "/controller/httpPort");
        assertRejected(v -> v.with("controller").put("logLevel", "VERBOSE"), "/controller/logLevel");
        assertRejected(v -> v.with("controller").put("logFormat", "logfmt"), "/controller/logFormat");
        assertRejected(v -> v.with("controller").putArray("scaleTargets"), "/controller/scaleTargets");
        assertRejected(v -> v.with("controller").with("podDisruptionBudget").put("minAvailable", "half"),
                "/controller/podDisruptionBudget/minAvailable");
        assertRejected(v -> v.with("controller").with("service").put("type", "Ingress"), "/controller/service/type");
        assertRejected(v -> v.with("image").put("tag", 1.0), "/image/tag");
        assertRejected(v -> v.with("image").put("repository", ""), "/image/repository");
        assertRejected(v -> v.with("image").put("pullPolicy", "Sometimes"), "/image/pullPolicy");
        assertRejected(v -> v.with("keda").put("maxStreams", 0), "/keda/maxStreams");
        assertRejected(v -> v.with("keda").with("clients").put("keda-team-a", "team-a"), "/keda/clients/keda-team-a");
        assertRejected(v -> v.with("monitoring").with("serviceMonitor").put("enabled", "yes"),
                "/monitoring/serviceMonitor/enabled");
        assertRejected(v -> v.with("monitoring").with("podMonitor").put("interval", "15 seconds"),
                "/monitoring/podMonitor/interval");
        assertRejected(v -> v.with("monitoring").with("prometheusRule").with("labels").put("release", 1),
                "/monitoring/prometheusRule/labels/release");
        assertRejected(v -> v.with("monitoring").with("dashboards").put("labels", "grafana_dashboard"),
                "/monitoring/dashboards/labels");
    }

    @Test
    void keysUsersAddAreAccepted() {
        ObjectNode values = defaults.deepCopy();
        values.with("controller").with("podLabels").put("team", "ml-platform");
        values.with("controller").with("podAnnotations").put("example.com/owner", "platform");
        values.with("monitoring").with("serviceMonitor").with("labels").put("release", "kube-prometheus-stack");
        values.with("controller").with("resources").with("limits").put("cpu", "1");
        values.with("controller").with("podDisruptionBudget").put("minAvailable", "50%");
        values.with("global").put("imageRegistry", "registry.example.com");
        assertThat(schema.validate(values)).isEmpty();
    }

    @Test
    void helmRefusesToRenderAWrongValueNamingTheField() {
        assertThatThrownBy(() -> Deploy.render(t -> t.set("controller.replicas", "three")))
                .hasMessageContaining("values don't meet the specifications of the schema")
                .hasMessageContaining("controller")
                .hasMessageContaining("replicas");
        assertThatThrownBy(() -> Deploy.render(t -> t.set("controller.replicas", 0)))
                .hasMessageContaining("replicas");
        assertThatThrownBy(() -> Deploy.render(t -> t.set("monitoring.serviceMonitor.enabled", "maybe")))
                .hasMessageContaining("serviceMonitor")
                .hasMessageContaining("enabled");
        // The same command with a right value renders: what fails is the value, not the flag.
        assertThat(Deploy.render(t -> t.set("controller.replicas", 3))).contains("replicas: 3");
    }

    private static void assertRejected(Consumer<ObjectNode> change, String field) {
        ObjectNode values = defaults.deepCopy();
        change.accept(values);
        List<Error> errors = schema.validate(values);
        assertThat(errors).as("errors for %s", field).isNotEmpty();
        assertThat(errors).as("errors for %s: %s", field, errors)
                .anyMatch(e -> pointer(e).equals(field));
    }

    private static String pointer(Error error) {
        StringBuilder path = new StringBuilder();
        for (int i = 0; i < error.getInstanceLocation().getNameCount(); i++) {
            path.append('/').append(error.getInstanceLocation().getName(i));
        }
        return path.toString();
    }

    /** Helm's coalescing: maps merge key by key; anything else (lists included) is replaced. */
    private static ObjectNode merge(ObjectNode base, ObjectNode override) {
        Iterator<Map.Entry<String, JsonNode>> fields = override.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode existing = base.get(field.getKey());
            if (existing instanceof ObjectNode target && field.getValue() instanceof ObjectNode source) {
                merge(target, source);
            } else {
                base.set(field.getKey(), field.getValue());
            }
        }
        return base;
    }
}
