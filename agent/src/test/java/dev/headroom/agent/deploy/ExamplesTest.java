package dev.headroom.agent.deploy;

import dev.headroom.autoscaler.kubernetes.PolicySpecs;
import dev.headroom.autoscaler.kubernetes.crd.HeadroomPolicy;
import dev.headroom.autoscaler.kubernetes.crd.ScalingMode;
import dev.headroom.autoscaler.policy.ScaleDownVoting;
import dev.headroom.collectors.engine.VllmDialect;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The worked examples in {@code deploy/examples/}: parsed into fabric8's models, checked field by field, applied to a
 * Kubernetes API server in CRUD mode and read back; each {@code HeadroomPolicy} passes the controller's own
 * validation ({@link PolicySpecs#resolve}) and points at the objects beside it.
 */
@EnableKubernetesMockClient(crud = true)
class ExamplesTest {

    /** The sidecar's measured resident set (src/docs/benchmarks.md, "Sidecar footprint": max 99.8 MiB). */
    private static final long MEASURED_RSS_BYTES = 100L << 20;
    private static final ResourceDefinitionContext SCALED_OBJECT = new ResourceDefinitionContext.Builder()
            .withGroup("keda.sh").withVersion("v1alpha1").withKind("ScaledObject").withPlural("scaledobjects")
            .withNamespaced(true).build();

    KubernetesClient client;

    @BeforeEach
    void installCrd() {
        client.resource(Deploy.crd(Deploy.read(Deploy.chartCrd())))
                .create();
    }

    @Test
    void vllmDeploymentWithTheSidecarIsAppliedAndReadBack() {
        List<HasMetadata> objects = apply("vllm-with-headroom.yaml", "llm-serving");
        Deployment d = client.apps().deployments().inNamespace("llm-serving").withName("llama-3-8b").get();
        assertThat(d.getSpec()).isEqualTo(Deploy.one(objects, Deployment.class).getSpec());
        assertThat(client.services().inNamespace("llm-serving").withName("llama-3-8b").get().getSpec().getSelector())
                .isEqualTo(d.getSpec().getSelector().getMatchLabels());

        PodSpec pod = d.getSpec().getTemplate().getSpec();
        assertThat(pod.getAutomountServiceAccountToken()).as("no API access wanted in the engine's pod").isFalse();
        assertThat(d.getSpec().getTemplate().getMetadata().getLabels()).containsEntry("headroom.dev/sidecar", "true");
        Container engine = container(pod, "vllm");
        Container sidecar = container(pod, "headroom");

        assertThat(engine.getEnv()).as("the gated model's token, from a Secret, never inline")
                .filteredOn(e -> e.getName().equals("HF_TOKEN")).singleElement().satisfies(e -> {
                    assertThat(e.getValue()).isNull();
                    assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("hf-token");
                    assertThat(e.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("token");
                });
        assertThat(sidecar.getArgs()).containsExactly("sidecar");
        assertThat(sidecar.getPorts()).extracting(ContainerPort::getName, ContainerPort::getContainerPort)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("headroom", PolicySpecs.DEFAULT_SIDECAR_PORT));
        Map<String, String> env = HelmChartTest.env(sidecar).entrySet().stream()
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> e.getValue().getValue()));
        URI engineUrl = URI.create(env.get("HEADROOM_SIDECAR_ENGINE_URL"));
        assertThat(engineUrl.getHost()).as("the engine over the pod's loopback").isEqualTo("127.0.0.1");
        assertThat(engine.getPorts()).extracting(ContainerPort::getContainerPort).contains(engineUrl.getPort());
        assertThat(engineUrl.getPath()).isEqualTo("/metrics");
        assertThat(env.get("HEADROOM_SIDECAR_DIALECT")).isEqualTo(VllmDialect.NAME);
        assertThat(env.get("HEADROOM_GPU_PROBE")).isIn("nvml", "dcgm", "none");

        assertThat(sidecar.getStartupProbe().getHttpGet().getPath()).isEqualTo("/q/health/started");
        assertThat(sidecar.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
        assertThat(sidecar.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
        assertThat(List.of(sidecar.getStartupProbe(), sidecar.getReadinessProbe(), sidecar.getLivenessProbe()))
                .allSatisfy(p -> assertThat(p.getHttpGet().getPort().getStrVal()).isEqualTo("headroom"));

        // Sized from the measurement: the request covers the measured resident set, the limit leaves room above it.
        long request = bytes(sidecar.getResources().getRequests().get("memory"));
        long limit = bytes(sidecar.getResources().getLimits().get("memory"));
        assertThat(request).isGreaterThanOrEqualTo(MEASURED_RSS_BYTES);
        assertThat(limit).isGreaterThanOrEqualTo(request).isGreaterThanOrEqualTo(MEASURED_RSS_BYTES * 3 / 2);
        assertThat(Quantity.getAmountInBytes(sidecar.getResources().getRequests().get("cpu")))
                .as("under 1 %% of a core measured; a small request").isLessThanOrEqualTo(new BigDecimal("0.1"));
        assertThat(sidecar.getResources().getLimits()).doesNotContainKey("nvidia.com/gpu");

        var sc = sidecar.getSecurityContext();
        assertThat(sc.getRunAsNonRoot()).isTrue();
        assertThat(sc.getRunAsUser()).isEqualTo(185L);
        assertThat(sc.getReadOnlyRootFilesystem()).isTrue();
        assertThat(sc.getAllowPrivilegeEscalation()).isFalse();
        assertThat(sc.getCapabilities().getDrop()).containsExactly("ALL");
        // /tmp the one writable path; the engine's GPU list read only (EngineGpuListRecipeTest runs its writing).
        assertThat(sidecar.getVolumeMounts()).extracting(m -> m.getMountPath(), m -> m.getReadOnly())
                .containsExactly(org.assertj.core.groups.Tuple.tuple("/tmp", null),
                        org.assertj.core.groups.Tuple.tuple("/headroom", true));
        assertThat(sidecar.getVolumeMounts()).allSatisfy(m -> assertThat(pod.getVolumes())
                .filteredOn(v -> v.getName().equals(m.getName()))
                .singleElement().satisfies(v -> assertThat(v.getEmptyDir()).isNotNull()));
        assertThat(env.get("HEADROOM_GPU_PROBE")).isEqualTo("nvml");
        assertThat(env).as("every GPU mounted for the library, the engine's own reported")
                .containsEntry("NVIDIA_VISIBLE_DEVICES", "all")
                .containsEntry("NVIDIA_DRIVER_CAPABILITIES", "utility")
                .containsEntry("HEADROOM_GPU_DEVICES_FILE", "/headroom/gpus");
    }

    @Test
    void directPolicyIsValidAndTargetsTheExampleDeployment() {
        apply("vllm-with-headroom.yaml", "team-direct");
        apply("headroompolicy-direct.yaml", "team-direct");
        HeadroomPolicy policy = policy("team-direct");
        PolicySpecs.Resolved resolved = PolicySpecs.resolve(policy);
        assertThat(resolved.mode()).isEqualTo(ScalingMode.DIRECT);
        assertThat(resolved.port()).isEqualTo(PolicySpecs.DEFAULT_SIDECAR_PORT);
        assertThat(resolved.path()).isEqualTo(PolicySpecs.DEFAULT_SIDECAR_PATH);
        // forecast.leadTimeSeconds: 105 (cold start plus decision interval); scaleDownVoting left to its default.
        assertThat(resolved.spec().forecast().leadTime()).isEqualTo(Duration.ofSeconds(105));
        assertThat(resolved.spec().scaleDownVoting()).isEqualTo(ScaleDownVoting.LOAD_SIGNALS);
        assertTargetsTheExample(policy, "team-direct");
        // The scale subresource the controller will patch is there for this target.
        assertThat(client.apps().deployments().inNamespace("team-direct").withName(policy.getSpec().scaleTargetRef.name)
                .scale().getSpec().getReplicas()).isEqualTo(1);
    }

    @Test
    void hpaReadsTheExternalMetricOfItsPolicy() {
        apply("vllm-with-headroom.yaml", "team-hpa");
        List<HasMetadata> objects = apply("hpa-external-metrics.yaml", "team-hpa");
        HeadroomPolicy policy = policy("team-hpa");
        assertThat(PolicySpecs.resolve(policy).mode()).isEqualTo(ScalingMode.EXTERNAL_METRICS);
        assertTargetsTheExample(policy, "team-hpa");

        HorizontalPodAutoscaler hpa = client.autoscaling().v2().horizontalPodAutoscalers().inNamespace("team-hpa")
                .withName("llama-3-8b").get();
        assertThat(hpa.getSpec()).isEqualTo(Deploy.one(objects, HorizontalPodAutoscaler.class).getSpec());
        assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo(policy.getSpec().scaleTargetRef.name);
        assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(policy.getSpec().maxReplicas);
        var external = hpa.getSpec().getMetrics().get(0).getExternal();
        // The names the controller serves (ReplicaSignal.DESIRED, LabelSelector.WORKLOAD_LABEL in agent/external).
        assertThat(external.getMetric().getName()).isEqualTo("headroom_desired_replicas");
        assertThat(external.getMetric().getSelector().getMatchLabels())
                .containsExactly(Map.entry("workload", policy.getMetadata().getName()));
        assertThat(external.getTarget().getType()).isEqualTo("AverageValue");
        assertThat(external.getTarget().getAverageValue()).isEqualTo(new Quantity("1"));
        assertThat(hpa.getSpec().getBehavior().getScaleDown().getStabilizationWindowSeconds())
                .as("Headroom stabilises; the HPA must not a second time").isZero();
    }

    @Test
    void kedaScaledObjectAsksTheControllersExternalScalerForItsPolicy() {
        apply("vllm-with-headroom.yaml", "team-keda");
        List<HasMetadata> objects = apply("keda-scaledobject.yaml", "team-keda");
        HeadroomPolicy policy = policy("team-keda");
        assertThat(PolicySpecs.resolve(policy).mode()).isEqualTo(ScalingMode.KEDA);
        assertTargetsTheExample(policy, "team-keda");

        GenericKubernetesResource scaled = client.genericKubernetesResources(SCALED_OBJECT).inNamespace("team-keda")
                .withName("llama-3-8b").get();
        assertThat(scaled.getAdditionalProperties().get("spec"))
                .isEqualTo(Deploy.one(objects, GenericKubernetesResource.class).getAdditionalProperties().get("spec"));
        assertThat((String) scaled.get("spec", "scaleTargetRef", "name")).isEqualTo(policy.getSpec().scaleTargetRef.name);
        List<Map<String, Object>> triggers = scaled.get("spec", "triggers");
        assertThat(triggers).singleElement().satisfies(t -> {
            assertThat(t.get("type")).isEqualTo("external");
            @SuppressWarnings("unchecked")
            Map<String, String> metadata = (Map<String, String>) t.get("metadata");
            // KedaTrigger's keys: workload (the policy) and metric (desired or recommended).
            assertThat(metadata).containsEntry("workload", policy.getMetadata().getName())
                    .containsEntry("metric", "desired");
            // The chart's Service with the KEDA scaler on: <release>.<namespace>.svc, on its TLS port named keda.
            Service service = Deploy.one(Deploy.parse(Deploy.render(x -> x.withValuesFile(
                    Deploy.chart().resolve("ci/namespaced-values.yaml")))), Service.class);
            int kedaPort = service.getSpec().getPorts().stream().filter(p -> p.getName().equals("keda"))
                    .findFirst().orElseThrow().getPort();
            assertThat(metadata.get("scalerAddress")).isEqualTo(service.getMetadata().getName() + "."
                    + service.getMetadata().getNamespace() + ".svc:" + kedaPort);
            assertThat(t).containsKey("authenticationRef");
        });
    }

    private List<HasMetadata> apply(String file, String namespace) {
        List<HasMetadata> objects = Deploy.parse(Deploy.examples().resolve(file));
        for (HasMetadata o : objects) {
            assertThat(o.getMetadata().getNamespace()).as("examples apply into the namespace given to kubectl").isNull();
            if (o instanceof GenericKubernetesResource g && "ScaledObject".equals(g.getKind())) {
                client.genericKubernetesResources(SCALED_OBJECT).inNamespace(namespace).resource(g).create();
            } else {
                client.resource(o).inNamespace(namespace).create();
            }
        }
        return objects;
    }

    private HeadroomPolicy policy(String namespace) {
        List<HeadroomPolicy> policies = client.resources(HeadroomPolicy.class).inNamespace(namespace).list().getItems();
        assertThat(policies).hasSize(1);
        return policies.get(0);
    }

    /** The policy scales the example Deployment and, naming no selector of its own, works on exactly its pods. */
    private void assertTargetsTheExample(HeadroomPolicy policy, String namespace) {
        Deployment d = client.apps().deployments().inNamespace(namespace).withName(policy.getSpec().scaleTargetRef.name)
                .get();
        assertThat(d).as("the policy's scale target").isNotNull();
        assertThat(policy.getSpec().scaleTargetRef.kind).isEqualTo("Deployment");
        assertThat(policy.getSpec().selector).as("left out, so the Deployment's own selector is used").isNull();
        assertThat(d.getSpec().getSelector().getMatchLabels()).isNotEmpty();
        assertThat(client.resources(CustomResourceDefinition.class).withName("headroompolicies.headroom.dev").get())
                .isNotNull();
    }

    private static Container container(PodSpec pod, String name) {
        return pod.getContainers().stream().filter(c -> c.getName().equals(name)).findFirst().orElseThrow();
    }

    private static long bytes(Quantity q) {
        return Quantity.getAmountInBytes(q).longValueExact();
    }
}
