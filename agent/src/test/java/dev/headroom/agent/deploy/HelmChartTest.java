package dev.headroom.agent.deploy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.APIService;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.openshift.api.model.monitoring.v1.PodMonitor;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.Rule;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import io.fabric8.kubernetes.api.model.ConfigMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The chart, rendered by real Helm under its default values and under {@code ci/full-values.yaml}, read back into
 * fabric8's typed models: what the cluster would get, field by field (RBAC verbs, probes, security context, the
 * optional parts).
 */
class HelmChartTest {

    private static final Path FULL_VALUES = Deploy.chart().resolve("ci/full-values.yaml");

    @Test
    void shardedControllersMayListChangeAndDeleteTheirLeasesAndAreToldTheShardCount() {
        List<HasMetadata> sharded = Deploy.parse(Deploy.render(t -> t.set("controller.shards", 8)));
        assertThat(rules(Deploy.one(sharded, Role.class).getRules()))
                .contains("coordination.k8s.io/leases: delete,get,list,patch,update");
        assertThat(env(single(Deploy.one(sharded, Deployment.class).getSpec().getTemplate().getSpec()))
                .get("HEADROOM_CONTROLLER_SHARDS").getValue()).isEqualTo("8");
        assertThatThrownBy(() -> Deploy.render(t -> t.set("controller.shards", 300)))
                .hasMessageContaining("shards");
    }

    /**
     * The CRD's upgrade path. Helm installs a chart's {@code crds/} once and never upgrades it, so the chart has none:
     * the CRD generated from the model is a template of the release, and {@code helm upgrade} applies it as it applies
     * the Deployment, so a new field or rule reaches the cluster with the chart that needs it. Uninstalling keeps it
     * ({@code helm.sh/resource-policy: keep}), and with it every HeadroomPolicy.
     */
    @Test
    void theReleaseCarriesTheCrdGeneratedFromTheModelSoThatAnUpgradeAppliesIt() {
        assertThat(Deploy.chart().resolve("crds")).as("Helm never upgrades crds/").doesNotExist();
        CustomResourceDefinition generated = Deploy.crd(Deploy.generatedCrdYaml());

        CustomResourceDefinition released = Deploy.one(Deploy.parse(Deploy.render(t -> t)),
                CustomResourceDefinition.class);

        assertThat(released.getMetadata().getName()).isEqualTo(generated.getMetadata().getName());
        assertThat(released.getSpec()).as("the schema, printer columns and rules of this build's model")
                .isEqualTo(generated.getSpec());
        assertThat(released.getMetadata().getAnnotations()).containsEntry("helm.sh/resource-policy", "keep");
        assertThat(released.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "Helm")
                .containsEntry("app.kubernetes.io/instance", Deploy.RELEASE)
                .containsEntry("app.kubernetes.io/part-of", "headroom");
    }

    @Test
    void anUpgradeFromAChartWithAnOlderCrdRendersTheNewOne() throws IOException {
        // The chart as it was: its CRD still required spec.selector.
        Path older = Files.createTempDirectory("headroom-chart-older");
        copy(Deploy.chart(), older);
        String olderCrd = Deploy.generatedCrdYaml().replace("            required:\n            - \"maxReplicas\"",
                "            required:\n            - \"selector\"\n            - \"maxReplicas\"");
        assertThat(olderCrd).as("the older CRD differs").isNotEqualTo(Deploy.generatedCrdYaml());
        Files.writeString(older.resolve("files/crds").resolve(Deploy.CRD_FILE), olderCrd);
        CustomResourceDefinition before = Deploy.one(Deploy.parse(new Helm(older).template().withName(Deploy.RELEASE)
                .withNamespace(Deploy.NAMESPACE).withKubeVersion(Deploy.KUBE_VERSION).call()),
                CustomResourceDefinition.class);
        assertThat(specRequired(before)).contains("selector");

        CustomResourceDefinition after = Deploy.one(Deploy.parse(Deploy.render(t -> t)),
                CustomResourceDefinition.class);

        assertThat(specRequired(after)).as("the upgraded release's CRD").doesNotContain("selector")
                .contains("scaleTargetRef", "maxReplicas");
    }

    @Test
    void crdsInstallFalseLeavesTheCrdOutAndKeepFalseLetsUninstallDeleteIt() {
        assertThat(Deploy.parse(Deploy.render(t -> t.set("crds.install", false))))
                .noneMatch(o -> o instanceof CustomResourceDefinition);
        CustomResourceDefinition unkept = Deploy.one(Deploy.parse(Deploy.render(t -> t.set("crds.keep", false))),
                CustomResourceDefinition.class);
        assertThat(unkept.getMetadata().getAnnotations()).isNullOrEmpty();
    }

    private static List<String> specRequired(CustomResourceDefinition crd) {
        return crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema().getProperties().get("spec")
                .getRequired();
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : all.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    @Test
    void controllerLogsAreDatedTextByDefaultAndJsonOnOneValue() {
        Map<String, EnvVar> plain = env(single(Deploy.one(Deploy.parse(Deploy.render(t -> t)), Deployment.class)
                .getSpec().getTemplate().getSpec()));
        assertThat(plain).doesNotContainKey("QUARKUS_LOG_CONSOLE_JSON_ENABLED");
        Map<String, EnvVar> json = env(single(Deploy.one(Deploy.parse(Deploy.render(t -> t.set("controller.logFormat",
                "json"))), Deployment.class).getSpec().getTemplate().getSpec()));
        assertThat(json.get("QUARKUS_LOG_CONSOLE_JSON_ENABLED").getValue()).isEqualTo("true");
    }

    @Test
    void lintIsClean() {
        LintResult result = new Helm(Deploy.chart()).lint().strict().call();
        assertThat(result.isFailed()).as("helm lint --strict: %s", result.getMessages()).isFalse();
        assertThat(result.getMessages()).noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
    }

    @Test
    void externalMetricsWithoutItsCertificateFailsNamingTheValue() {
        assertThatThrownBy(() -> Deploy.render(t -> t.set("externalMetrics.enabled", true)))
                .hasMessageContaining("externalMetrics.tlsSecretName is required");
        assertThatThrownBy(() -> Deploy.render(t -> t.set("externalMetrics.enabled", true)
                .set("externalMetrics.tlsSecretName", "tls")
                .set("externalMetrics.requestheaderClientCaConfigMap", "ca")))
                .hasMessageContaining("externalMetrics.apiService needs caBundle");
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class DefaultValues {

        List<HasMetadata> objects;

        @BeforeAll
        void render() {
            objects = Deploy.parse(Deploy.render(t -> t));
        }

        @Test
        void rendersTheCrdAndTheControllerWithItsRbacOnly() {
            assertThat(objects).noneMatch(o -> o instanceof GenericKubernetesResource);
            assertThat(objects).extracting(HasMetadata::getKind, o -> o.getMetadata().getName()).containsExactlyInAnyOrder(
                    tuple("CustomResourceDefinition", "headroompolicies.headroom.dev"),
                    tuple("ServiceAccount", "headroom"),
                    tuple("ClusterRole", "headroom-controller"),
                    tuple("ClusterRoleBinding", "headroom-controller"),
                    tuple("Role", "headroom-leader-election"),
                    tuple("RoleBinding", "headroom-leader-election"),
                    tuple("Service", "headroom"),
                    tuple("Deployment", "headroom"),
                    tuple("PodDisruptionBudget", "headroom"));
            assertThat(objects).filteredOn(o -> !(o instanceof ClusterRole || o instanceof ClusterRoleBinding
                            || o instanceof CustomResourceDefinition))
                    .allSatisfy(o -> assertThat(o.getMetadata().getNamespace()).isEqualTo(Deploy.NAMESPACE));
        }

        @Test
        void controllerRunsTwoLeaderElectedReplicasWithProbesOnTheAgentsHealthEndpoints() {
            Deployment d = Deploy.one(objects, Deployment.class);
            assertThat(d.getSpec().getReplicas()).isEqualTo(2);
            Container c = single(d.getSpec().getTemplate().getSpec());
            assertThat(c.getArgs()).containsExactly("controller");
            assertThat(c.getImage()).isEqualTo("ghcr.io/headroom-dev/headroom:0.1.0");
            assertThat(c.getPorts()).extracting(ContainerPort::getName, ContainerPort::getContainerPort)
                    .containsExactly(tuple("http", 8480));
            assertThat(c.getStartupProbe().getHttpGet().getPath()).isEqualTo("/q/health/started");
            assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
            assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
            assertThat(List.of(c.getStartupProbe(), c.getLivenessProbe(), c.getReadinessProbe()))
                    .allSatisfy(p -> assertThat(p.getHttpGet().getPort().getStrVal()).isEqualTo("http"));
            Map<String, EnvVar> env = env(c);
            assertThat(env.get("HEADROOM_CONTROLLER_IDENTITY").getValueFrom().getFieldRef().getFieldPath())
                    .as("each replica campaigns under its pod name").isEqualTo("metadata.name");
            assertThat(env.get("HEADROOM_CONTROLLER_LEASE_NAMESPACE").getValueFrom().getFieldRef().getFieldPath())
                    .as("the Lease beside the controller").isEqualTo("metadata.namespace");
            assertThat(env.get("HEADROOM_CONTROLLER_LEASE_NAME").getValue()).isEqualTo("headroom-leader");
            assertThat(env).as("every namespace watched; no external metrics; the image's JVM flags")
                    .doesNotContainKeys("HEADROOM_CONTROLLER_NAMESPACE", "HEADROOM_EXTERNAL_METRICS_ENABLED",
                            "JAVA_OPTS_APPEND");
            assertThat(c.getResources().getRequests()).containsKeys("cpu", "memory");
            assertThat(c.getResources().getLimits()).containsKey("memory");
        }

        @Test
        void controllerIsNonRootWithAReadOnlyRootAndOnlyTmpWritable() {
            PodSpec pod = Deploy.one(objects, Deployment.class).getSpec().getTemplate().getSpec();
            assertHardened(pod);
            assertThat(pod.getAutomountServiceAccountToken()).as("the controller calls the API").isTrue();
            assertThat(pod.getServiceAccountName()).isEqualTo(Deploy.one(objects, ServiceAccount.class)
                    .getMetadata().getName());
        }

        @Test
        void clusterRoleGrantsReadOnPodsAndPoliciesAndScaleOfTheTargetsOnly() {
            ClusterRole role = Deploy.one(objects, ClusterRole.class);
            assertThat(rules(role.getRules())).containsExactlyInAnyOrder(
                    "headroom.dev/headroompolicies: get,list,watch",
                    "headroom.dev/headroompolicies/status: get,patch,update",
                    "/pods: get,list,patch,watch",
                    "apps/deployments/scale: get,update",
                    "apps/statefulsets/scale: get,update",
                    "/events: create");
            assertNoWildcards(role.getRules());
            ClusterRoleBinding binding = Deploy.one(objects, ClusterRoleBinding.class);
            assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
            assertThat(binding.getSubjects()).extracting(Subject::getKind, Subject::getName, Subject::getNamespace)
                    .containsExactly(tuple("ServiceAccount", "headroom", Deploy.NAMESPACE));
        }

        @Test
        void leasesAreGrantedInTheReleaseNamespaceAndOnlyTheNamedLeaseCanBeChanged() {
            Role role = Deploy.one(objects, Role.class);
            assertThat(role.getMetadata().getNamespace()).isEqualTo(Deploy.NAMESPACE);
            assertThat(rules(role.getRules())).containsExactlyInAnyOrder(
                    "coordination.k8s.io/leases: create",
                    "coordination.k8s.io/leases[headroom-leader]: get,patch,update");
            String leaseEnv = env(single(Deploy.one(objects, Deployment.class).getSpec().getTemplate().getSpec()))
                    .get("HEADROOM_CONTROLLER_LEASE_NAME").getValue();
            assertThat(role.getRules().get(1).getResourceNames()).containsExactly(leaseEnv);
            assertThat(Deploy.one(objects, RoleBinding.class).getRoleRef().getName())
                    .isEqualTo(role.getMetadata().getName());
        }

        @Test
        void serviceReachesTheControllersHttpPortAndNoMore() {
            Service service = Deploy.one(objects, Service.class);
            Deployment d = Deploy.one(objects, Deployment.class);
            assertThat(service.getSpec().getSelector()).isEqualTo(d.getSpec().getSelector().getMatchLabels());
            assertThat(d.getSpec().getTemplate().getMetadata().getLabels())
                    .containsAllEntriesOf(service.getSpec().getSelector());
            assertThat(service.getSpec().getPorts()).extracting(ServicePort::getName, ServicePort::getPort)
                    .containsExactly(tuple("http", 8480));
            assertTargetPortsExist(service, d);
            PodDisruptionBudget pdb = Deploy.one(objects, PodDisruptionBudget.class);
            assertThat(pdb.getSpec().getMinAvailable().getIntVal()).isEqualTo(1);
            assertThat(pdb.getSpec().getSelector().getMatchLabels()).isEqualTo(service.getSpec().getSelector());
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class FullValues {

        List<HasMetadata> objects;

        @BeforeAll
        void render() {
            objects = Deploy.parse(Deploy.render(t -> t.withValuesFile(FULL_VALUES)));
        }

        @Test
        void everyObjectParsesIntoItsTypedModel() {
            assertThat(objects).noneMatch(o -> o instanceof GenericKubernetesResource);
            Set<String> kinds = objects.stream().map(HasMetadata::getKind).collect(Collectors.toSet());
            assertThat(kinds).contains("APIService", "ServiceMonitor", "PodMonitor", "PrometheusRule");
        }

        @Test
        void aWatchedNamespaceGetsARoleAndNothingClusterWideButTheHpasReadOfExternalMetrics() {
            List<Role> roles = Deploy.ofType(objects, Role.class).stream()
                    .filter(r -> r.getMetadata().getName().equals("headroom-controller")).toList();
            assertThat(roles).extracting(r -> r.getMetadata().getNamespace()).containsExactly("llm-serving");
            assertThat(roles).allSatisfy(r -> {
                assertThat(rules(r.getRules())).contains("/pods: get,list,patch,watch",
                        "leaderworkerset.x-k8s.io/leaderworkersets/scale: get,update");
                assertNoWildcards(r.getRules());
            });
            assertThat(Deploy.ofType(objects, RoleBinding.class))
                    .filteredOn(b -> b.getRoleRef().getName().equals("headroom-controller"))
                    .extracting(b -> b.getMetadata().getNamespace()).containsExactly("llm-serving");
            ClusterRole only = Deploy.one(objects, ClusterRole.class);
            assertThat(rules(only.getRules())).containsExactly("external.metrics.k8s.io/*: get,list,watch");
            assertThat(Deploy.one(objects, ClusterRoleBinding.class).getSubjects())
                    .extracting(Subject::getNamespace, Subject::getName)
                    .containsExactly(tuple("kube-system", "horizontal-pod-autoscaler"));
            String namespace = env(single(Deploy.one(objects, Deployment.class).getSpec().getTemplate().getSpec()))
                    .get("HEADROOM_CONTROLLER_NAMESPACE").getValue();
            assertThat(namespace).isEqualTo("llm-serving");
        }

        @Test
        void apiServicePointsAtTheControllersTlsPort() {
            APIService api = Deploy.one(objects, APIService.class);
            assertThat(api.getMetadata().getName()).isEqualTo("v1beta1.external.metrics.k8s.io");
            assertThat(api.getSpec().getGroup()).isEqualTo("external.metrics.k8s.io");
            assertThat(api.getSpec().getVersion()).isEqualTo("v1beta1");
            assertThat(api.getSpec().getInsecureSkipTLSVerify()).isNull();
            assertThat(api.getSpec().getCaBundle()).isNotBlank();
            Service service = Deploy.one(objects, Service.class);
            assertThat(api.getSpec().getService().getName()).isEqualTo(service.getMetadata().getName());
            assertThat(api.getSpec().getService().getNamespace()).isEqualTo(Deploy.NAMESPACE);
            ServicePort https = service.getSpec().getPorts().stream()
                    .filter(p -> p.getPort().equals(api.getSpec().getService().getPort())).findFirst().orElseThrow();
            Deployment d = Deploy.one(objects, Deployment.class);
            Container c = single(d.getSpec().getTemplate().getSpec());
            ContainerPort tls = c.getPorts().stream().filter(p -> p.getName().equals(https.getTargetPort().getStrVal()))
                    .findFirst().orElseThrow();
            assertThat(tls.getContainerPort()).isEqualTo(6443);
            assertTargetPortsExist(service, d);
        }

        @Test
        void externalMetricsFilesAreMountedWhereTheirSettingsPoint() {
            PodSpec pod = Deploy.one(objects, Deployment.class).getSpec().getTemplate().getSpec();
            Container c = single(pod);
            Map<String, EnvVar> env = env(c);
            assertThat(env.get("HEADROOM_EXTERNAL_METRICS_ENABLED").getValue()).isEqualTo("true");
            assertThat(env.get("HEADROOM_EXTERNAL_METRICS_PORT").getValue()).isEqualTo("6443");
            assertThat(env.get("HEADROOM_EXTERNAL_METRICS_REQUESTHEADER_ALLOWED_NAMES").getValue())
                    .isEqualTo("front-proxy-client");
            Map<String, Volume> volumes = pod.getVolumes().stream().collect(Collectors.toMap(Volume::getName, v -> v));
            assertFileFrom(env, "HEADROOM_EXTERNAL_METRICS_TLS_CERT_FILE", c, volumes, "tls.crt");
            assertFileFrom(env, "HEADROOM_EXTERNAL_METRICS_TLS_KEY_FILE", c, volumes, "tls.key");
            assertFileFrom(env, "HEADROOM_EXTERNAL_METRICS_REQUESTHEADER_CLIENT_CA_FILE", c, volumes,
                    "requestheader-client-ca-file");
            assertThat(volumes.get("tls").getSecret().getSecretName()).isEqualTo("headroom-external-metrics-tls");
            assertThat(volumes.get("requestheader").getConfigMap().getName()).isEqualTo("headroom-requestheader-ca");
            assertHardened(pod);
            assertThat(env.get("JAVA_OPTS_APPEND").getValue()).isEqualTo("-XX:+UseSerialGC -Xmx128m");
            assertThat(env.get("HEADROOM_CONTROLLER_INTERVAL").getValue()).isEqualTo("1s");
            assertThat(c.getImage()).endsWith(":0.1.0-test");
            assertThat(pod.getImagePullSecrets()).extracting(s -> s.getName()).containsExactly("registry-credentials");
            assertThat(pod.getPriorityClassName()).isEqualTo("system-cluster-critical");
            assertThat(Deploy.one(objects, Deployment.class).getSpec().getReplicas()).isEqualTo(3);
        }

        @Test
        void prometheusFindsTheControllerAndEverySidecar() {
            ServiceMonitor sm = Deploy.one(objects, ServiceMonitor.class);
            Service service = Deploy.one(objects, Service.class);
            assertThat(sm.getMetadata().getLabels()).containsEntry("release", "kube-prometheus-stack");
            assertThat(sm.getSpec().getSelector().getMatchLabels()).isEqualTo(service.getSpec().getSelector());
            assertThat(sm.getSpec().getEndpoints()).singleElement().satisfies(e -> {
                assertThat(e.getPath()).isEqualTo("/q/metrics");
                assertThat(service.getSpec().getPorts()).extracting(ServicePort::getName).contains(e.getPort());
            });
            PodMonitor pm = Deploy.one(objects, PodMonitor.class);
            assertThat(pm.getSpec().getSelector().getMatchLabels()).containsExactly(Map.entry("headroom.dev/sidecar", "true"));
            assertThat(pm.getSpec().getNamespaceSelector().getMatchNames()).containsExactly("llm-serving");
            assertThat(pm.getSpec().getPodMetricsEndpoints()).singleElement().satisfies(e -> {
                assertThat(e.getPort()).isEqualTo("headroom");
                assertThat(e.getPath()).isEqualTo("/q/metrics");
            });
        }

        @Test
        void alertRulesCarryTheDeploymentsOwnAndEveryBundledRuleGroup() throws IOException {
            PrometheusRule rule = Deploy.one(objects, PrometheusRule.class);
            List<String> alerts = rule.getSpec().getGroups().stream().flatMap(g -> g.getRules().stream())
                    .map(Rule::getAlert).filter(a -> a != null).toList();
            assertThat(alerts).contains("HeadroomControllerDown", "HeadroomSidecarDown");
            assertThat(rule.getSpec().getGroups()).allSatisfy(g -> assertThat(g.getRules()).allSatisfy(r ->
                    assertThat(r.getExpr().getStrVal()).isNotBlank()));
            long bundledGroups = 0;
            for (Path file : files("files/rules", ".yml")) {
                Object groups = Deploy.SERIALIZATION.unmarshal(Deploy.read(file), Map.class).get("groups");
                bundledGroups += ((List<?>) groups).size();
            }
            assertThat(rule.getSpec().getGroups()).hasSize(1 + (int) bundledGroups);
        }

        @Test
        void eachBundledDashboardIsAConfigMapForGrafanasSidecar() throws IOException {
            List<ConfigMap> maps = Deploy.ofType(objects, ConfigMap.class);
            List<Path> dashboards = files("files/dashboards", ".json");
            assertThat(maps).hasSize(dashboards.size());
            for (Path file : dashboards) {
                String key = file.getFileName().toString();
                ConfigMap map = maps.stream().filter(m -> m.getData().containsKey(key)).findFirst().orElseThrow();
                assertThat(map.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
                assertThat(map.getData().get(key).strip()).isEqualTo(Deploy.read(file).strip());
            }
        }
    }

    @Test
    void kedaWithoutItsCertificatesOrClientsFailsNamingTheValue() {
        assertThatThrownBy(() -> Deploy.render(t -> t.set("keda.enabled", true)))
                .hasMessageContaining("keda.tlsSecretName is required");
        assertThatThrownBy(() -> Deploy.render(t -> t.set("keda.enabled", true).set("keda.tlsSecretName", "tls")
                .set("keda.clientCaConfigMap", "ca")))
                .hasMessageContaining("keda.clients is required");
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class NamespacedValues {

        List<HasMetadata> objects;

        @BeforeAll
        void render() {
            objects = Deploy.parse(Deploy.render(t -> t.withValuesFile(Deploy.chart().resolve("ci/namespaced-values.yaml"))));
        }

        @Test
        void scaleRightsAreGrantedPerNamespaceAndClusterWideOnlyReadingPolicies() {
            assertThat(objects).noneMatch(o -> o instanceof GenericKubernetesResource);
            ClusterRole cluster = Deploy.one(objects, ClusterRole.class);
            assertThat(rules(cluster.getRules())).containsExactly("headroom.dev/headroompolicies: get,list,watch");
            assertThat(Deploy.one(objects, ClusterRoleBinding.class).getRoleRef().getName())
                    .isEqualTo(cluster.getMetadata().getName());
            List<Role> roles = Deploy.ofType(objects, Role.class).stream()
                    .filter(r -> r.getMetadata().getName().equals("headroom-controller")).toList();
            assertThat(roles).extracting(r -> r.getMetadata().getNamespace()).containsExactly("team-a", "team-b");
            assertThat(roles).allSatisfy(r -> {
                assertThat(rules(r.getRules())).contains("/pods: get,list,patch,watch", "apps/deployments/scale: get,update",
                        "/events: create");
                assertNoWildcards(r.getRules());
            });
            assertThat(Deploy.ofType(objects, RoleBinding.class))
                    .filteredOn(b -> b.getRoleRef().getName().equals("headroom-controller"))
                    .extracting(b -> b.getMetadata().getNamespace()).containsExactly("team-a", "team-b");
        }

        @Test
        void kedaIsServedOnItsOwnTlsPortWithItsFilesMountedAndItsClientsListed() {
            PodSpec pod = Deploy.one(objects, Deployment.class).getSpec().getTemplate().getSpec();
            Container c = single(pod);
            Map<String, EnvVar> env = env(c);
            assertThat(env.get("HEADROOM_KEDA_ENABLED").getValue()).isEqualTo("true");
            assertThat(env.get("HEADROOM_KEDA_PORT").getValue()).isEqualTo("9443");
            assertThat(env.get("HEADROOM_KEDA_CLIENTS").getValue())
                    .isEqualTo("keda-operator=team-a|team-b,keda-team-a=team-a");
            assertThat(env.get("HEADROOM_CONTROLLER_DECISIONS_ON_HTTP_PORT").getValue()).isEqualTo("false");
            Map<String, Volume> volumes = pod.getVolumes().stream().collect(Collectors.toMap(Volume::getName, v -> v));
            assertFileFrom(env, "HEADROOM_KEDA_TLS_CERT_FILE", c, volumes, "tls.crt");
            assertFileFrom(env, "HEADROOM_KEDA_TLS_KEY_FILE", c, volumes, "tls.key");
            assertFileFrom(env, "HEADROOM_KEDA_CLIENT_CA_FILE", c, volumes, "ca.crt");
            assertThat(volumes.get("keda-tls").getSecret().getSecretName()).isEqualTo("headroom-keda-tls");
            assertThat(volumes.get("keda-client-ca").getConfigMap().getName()).isEqualTo("headroom-keda-client-ca");
            assertThat(c.getPorts()).extracting(ContainerPort::getName, ContainerPort::getContainerPort)
                    .containsExactly(tuple("http", 8480), tuple("keda", 9443));
            Service service = Deploy.one(objects, Service.class);
            assertThat(service.getSpec().getPorts()).extracting(ServicePort::getName, ServicePort::getPort)
                    .containsExactly(tuple("http", 8480), tuple("keda", 9443));
            assertTargetPortsExist(service, Deploy.one(objects, Deployment.class));
            assertHardened(pod);
        }

        @Test
        void theNetworkPolicyAdmitsEachPortFromItsPeersOnly() {
            NetworkPolicy np = Deploy.one(objects, NetworkPolicy.class);
            Deployment d = Deploy.one(objects, Deployment.class);
            assertThat(np.getSpec().getPodSelector().getMatchLabels())
                    .isEqualTo(d.getSpec().getSelector().getMatchLabels());
            assertThat(np.getSpec().getPolicyTypes()).containsExactly("Ingress");
            assertThat(np.getSpec().getIngress()).hasSize(2);
            var http = np.getSpec().getIngress().get(0);
            assertThat(http.getPorts()).singleElement().satisfies(p -> assertThat(p.getPort().getStrVal()).isEqualTo("http"));
            assertThat(http.getFrom()).singleElement().satisfies(f -> assertThat(f.getNamespaceSelector()
                    .getMatchLabels()).containsEntry("kubernetes.io/metadata.name", "monitoring"));
            var keda = np.getSpec().getIngress().get(1);
            assertThat(keda.getPorts()).singleElement().satisfies(p -> assertThat(p.getPort().getStrVal()).isEqualTo("keda"));
            assertThat(keda.getFrom()).singleElement().satisfies(f -> assertThat(f.getNamespaceSelector()
                    .getMatchLabels()).containsEntry("kubernetes.io/metadata.name", "keda"));
            Set<String> named = single(d.getSpec().getTemplate().getSpec()).getPorts().stream()
                    .map(ContainerPort::getName).collect(Collectors.toSet());
            assertThat(np.getSpec().getIngress()).allSatisfy(r -> r.getPorts()
                    .forEach(p -> assertThat(named).contains(p.getPort().getStrVal())));
        }
    }

    // --- shared checks ---

    static Container single(PodSpec pod) {
        assertThat(pod.getContainers()).hasSize(1);
        return pod.getContainers().get(0);
    }

    static Map<String, EnvVar> env(Container c) {
        return c.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
    }

    /** Non-root, no privilege escalation, no capabilities, read-only root, RuntimeDefault seccomp, /tmp writable. */
    static void assertHardened(PodSpec pod) {
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getRunAsUser()).isNotZero();
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        for (Container c : pod.getContainers()) {
            if (!c.getImage().startsWith("ghcr.io/headroom-dev/headroom")) {
                continue;
            }
            var sc = c.getSecurityContext();
            assertThat(sc.getReadOnlyRootFilesystem()).as(c.getName() + " read-only root").isTrue();
            assertThat(sc.getAllowPrivilegeEscalation()).isFalse();
            assertThat(sc.getCapabilities().getDrop()).containsExactly("ALL");
            assertThat(sc.getCapabilities().getAdd()).isNullOrEmpty();
            VolumeMount tmp = c.getVolumeMounts().stream().filter(m -> m.getMountPath().equals("/tmp")).findFirst()
                    .orElseThrow(() -> new AssertionError(c.getName() + " has no writable /tmp"));
            Volume v = pod.getVolumes().stream().filter(x -> x.getName().equals(tmp.getName())).findFirst().orElseThrow();
            assertThat(v.getEmptyDir()).as("/tmp is an emptyDir").isNotNull();
        }
    }

    /** Rules as {@code group/resource[names]: verbs}, one string per resource. */
    static List<String> rules(List<PolicyRule> rules) {
        return rules.stream().flatMap(r -> r.getApiGroups().stream().flatMap(g -> r.getResources().stream().map(res ->
                g + "/" + res + (r.getResourceNames() == null || r.getResourceNames().isEmpty() ? ""
                        : r.getResourceNames().toString()) + ": "
                        + String.join(",", new TreeSet<>(r.getVerbs()))))).toList();
    }

    static void assertNoWildcards(List<PolicyRule> rules) {
        assertThat(rules).allSatisfy(r -> {
            assertThat(r.getVerbs()).doesNotContain("*", "delete", "deletecollection", "escalate", "bind", "impersonate");
            assertThat(r.getResources()).doesNotContain("*", "secrets", "configmaps");
            assertThat(r.getApiGroups()).doesNotContain("*");
        });
    }

    static void assertTargetPortsExist(Service service, Deployment d) {
        Set<String> named = d.getSpec().getTemplate().getSpec().getContainers().stream()
                .flatMap(c -> c.getPorts().stream()).map(ContainerPort::getName).collect(Collectors.toSet());
        assertThat(service.getSpec().getPorts()).allSatisfy(p ->
                assertThat(named).as("targetPort " + p.getTargetPort().getStrVal()).contains(p.getTargetPort().getStrVal()));
    }

    private static void assertFileFrom(Map<String, EnvVar> env, String key, Container c, Map<String, Volume> volumes,
                                       String fileName) {
        String path = env.get(key).getValue();
        assertThat(path).endsWith("/" + fileName);
        String dir = path.substring(0, path.lastIndexOf('/'));
        VolumeMount mount = c.getVolumeMounts().stream().filter(m -> m.getMountPath().equals(dir)).findFirst()
                .orElseThrow(() -> new AssertionError(key + "=" + path + " is under no mount"));
        assertThat(mount.getReadOnly()).isTrue();
        assertThat(volumes).containsKey(mount.getName());
    }

    private static List<Path> files(String dir, String suffix) throws IOException {
        Path d = Deploy.chart().resolve(dir);
        if (!Files.isDirectory(d)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(d)) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
        }
    }
}
