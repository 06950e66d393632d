package dev.headroom.agent.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.openshift.api.model.monitoring.v1.PodMonitor;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.RelabelConfig;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chart's Prometheus Operator objects, rendered by real Helm: found by kube-prometheus-stack (the
 * {@code release} label it selects on), the controller's series keeping their own namespace ({@code honorLabels}),
 * the sidecars' series given the {@code workload} label from the configured pod label, and scrape timeouts within
 * the intervals. {@link RelabelTest} runs the relabelling itself.
 */
class MonitoringTest {

    private static final Path KPS_VALUES = Deploy.chart().resolve("ci/kube-prometheus-stack-values.yaml");

    @Test
    void kubePrometheusStackFindsEveryMonitoringObject() {
        List<HasMetadata> objects = Deploy.parse(Deploy.render(t -> t.withValuesFile(KPS_VALUES)));
        List<HasMetadata> monitoring = objects.stream().filter(o -> o instanceof ServiceMonitor
                || o instanceof PodMonitor || o instanceof PrometheusRule).toList();
        assertThat(monitoring).hasSize(3);
        assertThat(monitoring).allSatisfy(o ->
                assertThat(o.getMetadata().getLabels()).containsEntry("release", "kube-prometheus-stack"));
        assertThat(Deploy.ofType(objects, ConfigMap.class)).filteredOn(c -> c.getMetadata().getName().contains("dashboard"))
                .isNotEmpty().allSatisfy(c -> assertThat(c.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1"));
    }

    @Test
    void withoutAReleaseNoReleaseLabelAndAnObjectsOwnLabelsWin() {
        List<HasMetadata> plain = Deploy.parse(Deploy.render(t -> t.set("monitoring.serviceMonitor.enabled", true)));
        assertThat(Deploy.one(plain, ServiceMonitor.class).getMetadata().getLabels()).doesNotContainKey("release");
        List<HasMetadata> own = Deploy.parse(Deploy.render(t -> t.withValuesFile(KPS_VALUES)
                .set("monitoring.podMonitor.labels.release", "prometheus-team-a")));
        assertThat(Deploy.one(own, PodMonitor.class).getMetadata().getLabels()).containsEntry("release", "prometheus-team-a");
        assertThat(Deploy.one(own, ServiceMonitor.class).getMetadata().getLabels())
                .containsEntry("release", "kube-prometheus-stack");
    }

    @Test
    void theControllersSeriesKeepTheirNamespaceAndTimeoutsFitTheIntervals() {
        List<HasMetadata> objects = Deploy.parse(Deploy.render(t -> t.withValuesFile(KPS_VALUES)));
        var endpoint = Deploy.one(objects, ServiceMonitor.class).getSpec().getEndpoints().get(0);
        assertThat(endpoint.getHonorLabels()).isTrue();
        assertThat(seconds(endpoint.getScrapeTimeout())).isPositive().isLessThanOrEqualTo(seconds(endpoint.getInterval()));
        var pod = Deploy.one(objects, PodMonitor.class).getSpec().getPodMetricsEndpoints().get(0);
        assertThat(pod.getHonorLabels()).as("a sidecar may not claim another namespace").isNotEqualTo(Boolean.TRUE);
        assertThat(seconds(pod.getScrapeTimeout())).isPositive().isLessThanOrEqualTo(seconds(pod.getInterval()));
    }

    @Test
    void theWorkloadLabelComesFromTheConfiguredPodLabel() {
        RelabelConfig byDefault = workloadRule(Deploy.parse(Deploy.render(t -> t.withValuesFile(KPS_VALUES))));
        assertThat(byDefault.getSourceLabels()).containsExactly("__meta_kubernetes_pod_label_app_kubernetes_io_name");
        RelabelConfig configured = workloadRule(Deploy.parse(Deploy.render(t -> t.withValuesFile(KPS_VALUES)
                .set("monitoring.podMonitor.workloadPodLabel", "headroom.dev/workload"))));
        assertThat(configured.getSourceLabels()).containsExactly("__meta_kubernetes_pod_label_headroom_dev_workload");
    }

    private static RelabelConfig workloadRule(List<HasMetadata> objects) {
        return Deploy.one(objects, PodMonitor.class).getSpec().getPodMetricsEndpoints().get(0).getRelabelings()
                .stream().filter(r -> "workload".equals(r.getTargetLabel())).findFirst().orElseThrow();
    }

    private static long seconds(String promDuration) {
        return Duration.parse("PT" + promDuration.toUpperCase()).toSeconds();
    }
}
