package dev.headroom.agent.deploy;

import dev.headroom.autoscaler.kubernetes.crd.HeadroomPolicy;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code HeadroomPolicy} CRD the chart installs ({@code files/crds/}, templated by {@code templates/crds.yaml}) is
 * the one the model classes generate: a field added to the Java
 * model and not to the chart (or the reverse) fails here. Regenerate with {@code deploy/render.sh}.
 */
class CrdInStepTest {

    private static final Path CHART_CRD = Deploy.chartCrd();

    @Test
    void chartCrdIsTheOneGeneratedFromTheModel() {
        String generated = Deploy.generatedCrdYaml();
        if (Deploy.writing()) {
            Deploy.write(CHART_CRD, generated);
        }
        assertThat(CHART_CRD).as("the chart's CRD; run deploy/render.sh to regenerate it").exists();
        CustomResourceDefinition inChart = Deploy.crd(Deploy.read(CHART_CRD));
        assertThat(inChart)
                .as("%s differs from the CRD generated from %s; run deploy/render.sh", CHART_CRD,
                        HeadroomPolicy.class.getName())
                .isEqualTo(Deploy.crd(generated));
    }

    @Test
    void chartCrdMatchesTheBuildsGeneratedCrdWhenTheLibraryCarriesOne() throws IOException {
        // The autoscaler's build generates the same CRD into its jar (crd-generator-maven-plugin); where it does,
        // both generators must agree with the chart.
        try (InputStream in = HeadroomPolicy.class.getResourceAsStream("/META-INF/fabric8/" + Deploy.CRD_FILE)) {
            if (in != null) {
                assertThat(Deploy.crd(Deploy.read(CHART_CRD)))
                        .isEqualTo(Deploy.crd(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
            }
        }
    }

    @Test
    void crdDescribesTheModelsGroupKindAndRequiredFields() {
        CustomResourceDefinition crd = Deploy.crd(Deploy.read(CHART_CRD));
        assertThat(crd.getMetadata().getName()).isEqualTo("headroompolicies.headroom.dev");
        assertThat(crd.getSpec().getGroup()).isEqualTo(HeadroomPolicy.GROUP);
        assertThat(crd.getSpec().getScope()).isEqualTo("Namespaced");
        assertThat(crd.getSpec().getNames().getKind()).isEqualTo("HeadroomPolicy");
        assertThat(crd.getSpec().getNames().getShortNames()).containsExactly("hrp");
        var version = crd.getSpec().getVersions().get(0);
        assertThat(version.getName()).isEqualTo(HeadroomPolicy.VERSION);
        assertThat(version.getSubresources().getStatus()).as("status subresource").isNotNull();
        JSONSchemaProps spec = version.getSchema().getOpenAPIV3Schema().getProperties().get("spec");
        assertThat(spec.getRequired()).contains("scaleTargetRef", "maxReplicas")
                .as("selector is optional: the target's own is read from its scale subresource")
                .doesNotContain("selector");
        assertThat(spec.getProperties().get("mode").getEnum()).extracting(n -> n.asText())
                .as("Kubernetes' UpperCamelCase, and the first release's spellings, still accepted")
                .containsExactlyInAnyOrder("Direct", "ExternalMetrics", "KEDA", "DryRun",
                        "direct", "external-metrics", "keda", "dry-run");
        assertThat(spec.getProperties().get("source").getEnum()).extracting(n -> n.asText())
                .containsExactlyInAnyOrder("Sidecar", "Engine", "sidecar", "engine");
        JSONSchemaProps voting = spec.getProperties().get("scaleDownVoting");
        assertThat(voting.getType()).isEqualTo("string");
        assertThat(voting.getEnum()).extracting(n -> n.asText())
                .containsExactlyInAnyOrder("LoadSignals", "EverySignal");
    }
}
