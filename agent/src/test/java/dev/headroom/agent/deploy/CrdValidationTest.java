package dev.headroom.agent.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CRD generated from the model ({@code Deploy.generatedCrdYaml()}) validates what the API server would:
 * its {@code openAPIV3Schema} (Kubernetes' structural schema, draft 4 keywords) accepts the example policy and
 * rejects each invalid spec below, naming the field; the printer columns make {@code kubectl get headroompolicies}
 * readable.
 */
class CrdValidationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static CustomResourceDefinitionVersion version;
    private static Schema schema;
    private static ObjectNode example;

    @BeforeAll
    static void generate() throws Exception {
        version = Deploy.crd(Deploy.generatedCrdYaml()).getSpec().getVersions().get(0);
        JsonNode openApi = JSON.valueToTree(version.getSchema().getOpenAPIV3Schema());
        schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4).getSchema(openApi);
        example = (ObjectNode) new ObjectMapper(new YAMLFactory())
                .readTree(Deploy.examples().resolve("headroompolicy-direct.yaml").toFile());
    }

    @Test
    void theExamplePolicyIsValid() {
        assertThat(schema.validate(example)).isEmpty();
    }

    @Test
    void aPolicyWithoutSelectorOrInTheFirstReleasesSpellingsIsValid() {
        assertThat(example.get("spec").has("selector")).as("the example leaves the selector to its target").isFalse();
        ObjectNode old = example.deepCopy();
        ((ObjectNode) old.get("spec")).put("mode", "dry-run").put("source", "engine");
        assertThat(schema.validate(old)).isEmpty();
        ((ObjectNode) old.get("spec")).put("mode", "DryRun").put("source", "Engine");
        assertThat(schema.validate(old)).isEmpty();
    }

    @Test
    void everyInvalidSpecIsRejectedNamingTheField() {
        reject("/spec/maxReplicas", s -> s.put("maxReplicas", 0));
        reject("/spec/minReplicas", s -> s.put("minReplicas", -1));
        reject("/spec/maxReplicas", s -> s.remove("maxReplicas"));
        reject("/spec/mode", s -> s.put("mode", "DIRECT"));
        reject("/spec/selector", s -> s.put("selector", "app=llama"));
        reject("/spec/source", s -> s.put("source", "Pod"));
        reject("/spec/scaleDownVoting", s -> s.put("scaleDownVoting", "loadSignals"));
        reject("/spec/sidecar/port", s -> s.with("sidecar").put("port", 70000));
        reject("/spec/sidecar/path", s -> s.with("sidecar").put("path", "v1/signals"));
        reject("/spec/forecast/leadTimeSeconds", s -> s.with("forecast").put("leadTimeSeconds", 7200));
        reject("/spec/forecast/trendWindowSeconds", s -> s.with("forecast").put("trendWindowSeconds", 10));
        reject("/spec/behavior/scaleDown/stabilizationWindowSeconds",
                s -> s.with("behavior").with("scaleDown").put("stabilizationWindowSeconds", 4000));
        reject("/spec/behavior/scaleUp/selectPolicy", s -> s.with("behavior").with("scaleUp").put("selectPolicy", "max"));
        reject("/spec/behavior/scaleUp/tolerance", s -> s.with("behavior").with("scaleUp").put("tolerance", -0.1));
        reject("/spec/behavior/scaleUp/policies/0/type",
                s -> ((ObjectNode) s.with("behavior").with("scaleUp").withArray("policies").get(0)).put("type", "Replicas"));
        reject("/spec/behavior/scaleUp/policies/0/value",
                s -> ((ObjectNode) s.with("behavior").with("scaleUp").withArray("policies").get(0)).put("value", 0));
        reject("/spec/behavior/scaleUp/policies/0/periodSeconds",
                s -> ((ObjectNode) s.with("behavior").with("scaleUp").withArray("policies").get(0)).put("periodSeconds", 3600));
        reject("/spec/slo/ttftSeconds", s -> slo(s).put("ttftSeconds", 0));
        reject("/spec/slo/itlSeconds", s -> slo(s).put("itlSeconds", -0.05));
        reject("/spec/slo/ttftQuantile", s -> slo(s).put("ttftQuantile", 1.0));
        reject("/spec/slo/itlQuantile", s -> slo(s).put("itlQuantile", 0));
        reject("/spec/slo/attainment", s -> slo(s).put("attainment", 1.5));
        reject("/spec/targets/queue", s -> s.with("targets").put("queue", "four"));
    }

    @Test
    void crossFieldRulesAreCelRulesOnTheSpec() {
        List<ValidationRule> rules = version.getSchema().getOpenAPIV3Schema().getProperties().get("spec")
                .getXKubernetesValidations();
        assertThat(rules).extracting(ValidationRule::getRule).containsExactlyInAnyOrder(
                "!has(self.minReplicas) || self.minReplicas <= self.maxReplicas",
                "!has(self.mode) || !(self.mode in ['Direct', 'direct']) || !has(self.minReplicas)"
                        + " || self.minReplicas >= 1");
        assertThat(rules).allSatisfy(r -> assertThat(r.getMessage()).startsWith("spec.minReplicas"));
    }

    @Test
    void kubectlGetShowsTargetBoundsReplicasModeDominantSignalAndReadiness() {
        assertThat(version.getAdditionalPrinterColumns()).extracting(CustomResourceColumnDefinition::getName,
                CustomResourceColumnDefinition::getJsonPath).contains(
                org.assertj.core.groups.Tuple.tuple("Target", ".spec.scaleTargetRef.name"),
                org.assertj.core.groups.Tuple.tuple("Min", ".spec.minReplicas"),
                org.assertj.core.groups.Tuple.tuple("Max", ".spec.maxReplicas"),
                org.assertj.core.groups.Tuple.tuple("Desired", ".status.desiredReplicas"),
                org.assertj.core.groups.Tuple.tuple("Current", ".status.currentReplicas"),
                org.assertj.core.groups.Tuple.tuple("Mode", ".spec.mode"),
                org.assertj.core.groups.Tuple.tuple("Dominant", ".status.lastDecision.dominantSignal"),
                org.assertj.core.groups.Tuple.tuple("Ready", ".status.conditions[?(@.type==\"Ready\")].status"),
                org.assertj.core.groups.Tuple.tuple("Targets", ".spec.targets"),
                org.assertj.core.groups.Tuple.tuple("SLO-TTFT", ".spec.slo.ttftSeconds"));
    }

    @Test
    void theCelRulesAcceptTheExampleAndRejectWhatTheControllerWould() throws Exception {
        List<ValidationRule> rules = version.getSchema().getOpenAPIV3Schema().getProperties().get("spec")
                .getXKubernetesValidations();
        Map<String, Object> spec = specOf(example);
        assertThat(failing(rules, spec)).isEmpty();
        Map<String, Object> inverted = new LinkedHashMap<>(spec);
        inverted.put("minReplicas", 9L);
        assertThat(failing(rules, inverted)).singleElement().asString()
                .isEqualTo("spec.minReplicas must not exceed spec.maxReplicas");
        Map<String, Object> zeroDirect = new LinkedHashMap<>(spec);
        zeroDirect.put("minReplicas", 0L);
        assertThat(failing(rules, zeroDirect)).singleElement().asString().contains("Direct mode");
        zeroDirect.put("mode", "direct");
        assertThat(failing(rules, zeroDirect)).as("the first release's spelling").singleElement().asString()
                .contains("Direct mode");
        zeroDirect.put("mode", "KEDA");
        assertThat(failing(rules, zeroDirect)).isEmpty();
        zeroDirect.put("mode", "keda");
        assertThat(failing(rules, zeroDirect)).isEmpty();
        Map<String, Object> noMin = new LinkedHashMap<>(spec);
        noMin.remove("minReplicas");
        assertThat(failing(rules, noMin)).isEmpty();
    }

    /** The messages of the rules that {@code spec} fails, each compiled and run with CEL as {@code self}. */
    private static List<String> failing(List<ValidationRule> rules, Map<String, Object> spec) throws Exception {
        CelCompiler compiler = CelCompilerFactory.standardCelCompilerBuilder()
                .setStandardMacros(CelStandardMacro.STANDARD_MACROS).addVar("self", MapType.create(SimpleType.STRING, SimpleType.DYN)).build();
        CelRuntime runtime = CelRuntimeFactory.standardCelRuntimeBuilder().build();
        List<String> failed = new java.util.ArrayList<>();
        for (ValidationRule rule : rules) {
            CelAbstractSyntaxTree ast = compiler.compile(rule.getRule()).getAst();
            Object result = runtime.createProgram(ast).eval(Map.of("self", spec));
            if (!Boolean.TRUE.equals(result)) {
                failed.add(rule.getMessage());
            }
        }
        return failed;
    }

    /** The spec's top-level fields as CEL sees JSON: integers as int64, strings, the rest as maps. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> specOf(ObjectNode policy) {
        Map<String, Object> out = new LinkedHashMap<>();
        policy.get("spec").fields().forEachRemaining(e -> out.put(e.getKey(),
                e.getValue().isIntegralNumber() ? (Object) e.getValue().asLong()
                        : e.getValue().isTextual() ? e.getValue().asText() : JSON.convertValue(e.getValue(), Map.class)));
        return out;
    }

    private static ObjectNode slo(ObjectNode spec) {
        ObjectNode slo = spec.with("slo");
        slo.put("ttftSeconds", 2.0).put("itlSeconds", 0.1);
        return slo;
    }

    private static void reject(String field, Consumer<ObjectNode> mutation) {
        ObjectNode policy = example.deepCopy();
        mutation.accept((ObjectNode) policy.get("spec"));
        List<Error> errors = schema.validate(policy);
        assertThat(errors).as("%s invalid: %s", field, policy.get("spec")).isNotEmpty();
        assertThat(errors).as("an error names %s", field).anySatisfy(e -> assertThat(
                e.getInstanceLocation().toString().replace("$", "").replace(".", "/").replaceAll("\\[(\\d+)]", "/$1")
                        + (e.getProperty() != null && "required".equals(e.getKeyword()) ? "/" + e.getProperty() : ""))
                .endsWith(field));
    }
}
