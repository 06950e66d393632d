package dev.headroom.autoscaler.kubernetes;

import dev.headroom.autoscaler.kubernetes.crd.HeadroomPolicy;
import dev.headroom.autoscaler.kubernetes.crd.HeadroomPolicySpec;
import dev.headroom.autoscaler.kubernetes.crd.ScalingMode;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.time.Instant;
import java.util.Map;

/**
 * The objects of one scaled workload in a test API server: a Deployment whose pods carry {@code app=<name>},
 * its pods (each pointing at a sidecar on loopback), and a HeadroomPolicy over them. Shared with the agent's
 * tests through this module's test jar.
 */
public final class Workloads {

    private Workloads() {
    }

    /** Deployment {@code name} with {@code replicas}, selecting {@code app=name}. */
    public static void deployment(KubernetesClient client, String namespace, String name, int replicas) {
        client.apps().deployments().inNamespace(namespace).resource(new DeploymentBuilder().withNewMetadata()
                .withName(name).withNamespace(namespace).endMetadata().withNewSpec().withReplicas(replicas)
                .withNewSelector().addToMatchLabels("app", name).endSelector().endSpec().build()).create();
    }

    /**
     * A running pod of workload {@code app} at 127.0.0.1 whose sidecar listens on {@code sidecarPort}, with its
     * Ready condition as given, started at {@code startedAt}.
     */
    public static void pod(KubernetesClient client, String namespace, String name, String app, int sidecarPort,
                           boolean ready, Instant startedAt) {
        client.pods().inNamespace(namespace).resource(new PodBuilder().withNewMetadata().withName(name)
                .withNamespace(namespace).addToLabels("app", app)
                .addToAnnotations(PolicySpecs.SIDECAR_PORT_ANNOTATION, Integer.toString(sidecarPort)).endMetadata()
                .withNewStatus().withPhase("Running").withPodIP("127.0.0.1").withStartTime(startedAt.toString())
                .addNewCondition().withType("Ready").withStatus(ready ? "True" : "False").endCondition()
                .endStatus().build()).create();
    }

    /** The spec of a policy scaling Deployment {@code name} over the pods labelled {@code app=name}. */
    public static HeadroomPolicySpec spec(String name, ScalingMode mode, int min, int max, Map<String, Double> targets) {
        HeadroomPolicySpec s = new HeadroomPolicySpec();
        s.scaleTargetRef = new HeadroomPolicySpec.ScaleTargetRef();
        s.scaleTargetRef.apiVersion = "apps/v1";
        s.scaleTargetRef.kind = "Deployment";
        s.scaleTargetRef.name = name;
        s.selector = new LabelSelectorBuilder().addToMatchLabels("app", name).build();
        s.minReplicas = min;
        s.maxReplicas = max;
        s.targets = targets;
        s.mode = mode;
        return s;
    }

    /** Creates HeadroomPolicy {@code name} with {@code spec}; returns it as the server stored it. */
    public static HeadroomPolicy policy(KubernetesClient client, String namespace, String name, HeadroomPolicySpec spec) {
        HeadroomPolicy p = new HeadroomPolicy();
        p.getMetadata().setName(name);
        p.getMetadata().setNamespace(namespace);
        p.setSpec(spec);
        return client.resources(HeadroomPolicy.class).inNamespace(namespace).resource(p).create();
    }
}
