package dev.headroom.autoscaler.kubernetes.crd;

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
