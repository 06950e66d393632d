package dev.headroom.autoscaler.kubernetes.crd;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * {@code HeadroomPolicy} ({@code headroom.dev/v1alpha1}): how one workload is scaled on its engines' saturation
 * signals. The CustomResourceDefinition is generated from these classes ({@code crd-generator-maven-plugin},
 * into {@code autoscaler/target/classes/META-INF/fabric8/}); the fields are documented in
 * {@code src/docs/controller.md}.
 */
@Group(HeadroomPolicy.GROUP)
@Version(HeadroomPolicy.VERSION)
@Kind("HeadroomPolicy")
@Plural("headroompolicies")
@Singular("headroompolicy")
@ShortNames("hrp")
@AdditionalPrinterColumn(name = "Target", type = Type.STRING, jsonPath = ".spec.scaleTargetRef.name")
@AdditionalPrinterColumn(name = "Min", type = Type.INTEGER, jsonPath = ".spec.minReplicas")
@AdditionalPrinterColumn(name = "Max", type = Type.INTEGER, jsonPath = ".spec.maxReplicas")
@AdditionalPrinterColumn(name = "Desired", type = Type.INTEGER, jsonPath = ".status.desiredReplicas")
@AdditionalPrinterColumn(name = "Current", type = Type.INTEGER, jsonPath = ".status.currentReplicas")
@AdditionalPrinterColumn(name = "Mode", type = Type.STRING, jsonPath = ".spec.mode")
@AdditionalPrinterColumn(name = "Dominant", type = Type.STRING, jsonPath = ".status.lastDecision.dominantSignal")
@AdditionalPrinterColumn(name = "Ready", type = Type.STRING, jsonPath = ".status.conditions[?(@.type==\"Ready\")].status")
@AdditionalPrinterColumn(name = "Targets", type = Type.STRING, jsonPath = ".spec.targets", priority = 1)
@AdditionalPrinterColumn(name = "SLO-TTFT", type = Type.NUMBER, jsonPath = ".spec.slo.ttftSeconds", priority = 1)
@AdditionalPrinterColumn(name = "SLO-ITL", type = Type.NUMBER, jsonPath = ".spec.slo.itlSeconds", priority = 1)
@AdditionalPrinterColumn(name = "Age", type = Type.DATE, jsonPath = ".metadata.creationTimestamp")
public class HeadroomPolicy extends CustomResource<HeadroomPolicySpec, HeadroomPolicyStatus> implements Namespaced {

    public static final String GROUP = "headroom.dev";
    public static final String VERSION = "v1alpha1";

    @Override
    protected HeadroomPolicySpec initSpec() {
        return new HeadroomPolicySpec();
    }

    @Override
    protected HeadroomPolicyStatus initStatus() {
        return new HeadroomPolicyStatus();
    }
}
