package dev.headroom.autoscaler.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import dev.headroom.autoscaler.kubernetes.crd.HeadroomPolicySpec;
import dev.headroom.autoscaler.kubernetes.crd.ScaleDownVotingRule;
import dev.headroom.autoscaler.kubernetes.crd.ScalingMode;
import dev.headroom.autoscaler.kubernetes.crd.SignalSource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CRD this module's build generates from the model ({@code crd-generator-maven-plugin}) carries the fields
 * {@link PolicySpecs} reads, with the types and names a user writes. The agent's deploy tests keep the chart's and
 * the plain manifests' copies equal to it.
 */
class HeadroomPolicyCrdTest {

    static JSONSchemaProps spec() throws IOException {
        try (InputStream in = HeadroomPolicyCrdTest.class.getResourceAsStream(
                "/META-INF/fabric8/headroompolicies.headroom.dev-v1.yml")) {
            assertThat(in).as("the generated CRD on the classpath").isNotNull();
            CustomResourceDefinition crd = new KubernetesSerialization().unmarshal(
                    new String(in.readAllBytes(), StandardCharsets.UTF_8), CustomResourceDefinition.class);
            return crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema().getProperties().get("spec");
        }
    }

    @Test
    void forecastIsAnOptionalObjectOfTwoIntegers() throws IOException {
        JSONSchemaProps spec = spec();
        assertThat(spec.getRequired()).doesNotContain("forecast", "scaleDownVoting");
        JSONSchemaProps forecast = spec.getProperties().get("forecast");
        assertThat(forecast.getType()).isEqualTo("object");
        assertThat(forecast.getProperties()).containsOnlyKeys("leadTimeSeconds", "trendWindowSeconds");
        assertThat(forecast.getRequired()).isNullOrEmpty();
        JSONSchemaProps lead = forecast.getProperties().get("leadTimeSeconds");
        assertThat(lead.getType()).isEqualTo("integer");
        assertThat(lead.getDescription()).contains("0 to 3600").contains("cold start").contains("decision interval");
        JSONSchemaProps window = forecast.getProperties().get("trendWindowSeconds");
        assertThat(window.getType()).isEqualTo("integer");
        assertThat(window.getDescription()).contains("30 to 3600").contains("default 300");
    }

    @Test
    void scaleDownVotingIsAnEnumOfTheResourceNames() throws IOException {
        JSONSchemaProps voting = spec().getProperties().get("scaleDownVoting");
        assertThat(voting.getType()).isEqualTo("string");
        assertThat(voting.getEnum()).extracting(JsonNode::asText).containsExactlyInAnyOrderElementsOf(
                Arrays.stream(ScaleDownVotingRule.values()).map(ScaleDownVotingRule::value).toList());
        assertThat(voting.getDescription()).contains("LoadSignals (default)").contains("EverySignal");
        // mode: the names in the resource, and the first release's spellings beside them.
        assertThat(spec().getProperties().get("mode").getEnum()).extracting(JsonNode::asText)
                .containsAll(Arrays.stream(ScalingMode.values()).map(ScalingMode::value).toList())
                .contains("dry-run", "external-metrics", "keda", "direct").hasSize(8);
    }

    @Test
    void aPolicyInTheFirstReleasesSpellingReadsAsTheSameModeAndIsWrittenInTheNewOne() {
        KubernetesSerialization json = new KubernetesSerialization();
        for (String[] spelling : new String[][]{{"dry-run", "DryRun"}, {"external-metrics", "ExternalMetrics"},
                {"keda", "KEDA"}, {"direct", "Direct"}}) {
            HeadroomPolicySpec old = json.unmarshal("{\"mode\": \"" + spelling[0] + "\", \"source\": \"engine\"}",
                    HeadroomPolicySpec.class);
            HeadroomPolicySpec current = json.unmarshal("{\"mode\": \"" + spelling[1] + "\", \"source\": \"Engine\"}",
                    HeadroomPolicySpec.class);
            assertThat(old.mode).isEqualTo(current.mode).isEqualTo(ScalingMode.fromValue(spelling[1]).orElseThrow());
            assertThat(old.source).isEqualTo(current.source).isEqualTo(SignalSource.ENGINE);
            assertThat(json.asJson(old)).contains("\"mode\":\"" + spelling[1] + "\"").contains("\"source\":\"Engine\"");
        }
    }
}
