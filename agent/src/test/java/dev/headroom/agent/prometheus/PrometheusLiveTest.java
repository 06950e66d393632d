package dev.headroom.agent.prometheus;

import dev.headroom.autoscaler.kubernetes.ScaleSubresourceDispatcher;
import dev.headroom.autoscaler.kubernetes.Workloads;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headroom.agent.controller.ControllerConfig;
import dev.headroom.agent.controller.ControllerMeters;
import dev.headroom.agent.controller.ControllerRun;
import dev.headroom.agent.demo.SimulatedGpuProbe;
import dev.headroom.agent.sidecar.SidecarConfig;
import dev.headroom.agent.sidecar.SidecarRuntime;
import dev.headroom.agent.sidecar.SidecarSettings;
import dev.headroom.autoscaler.kubernetes.WorkloadDecision;
import dev.headroom.autoscaler.kubernetes.crd.HeadroomPolicy;
import dev.headroom.autoscaler.kubernetes.crd.ScalingMode;
import dev.headroom.simulator.EngineConfig;
import dev.headroom.simulator.EngineServer;
import dev.headroom.simulator.LoadGenerator;
import dev.headroom.simulator.ServerOptions;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real Prometheus (Debian's package) on loopback scrapes the real sidecar watching the simulated engine
 * under load; every dashboard panel's query and every alert expression then runs through Prometheus's
 * HTTP API and must return data: no dead panel, no alert on a series that does not exist.
 *
 * <p>Every series comes from the real components, through the one Quarkus application under test: the sidecar
 * polls a {@link SimulatedGpuProbe} (the simulated engine's GPU as NVML reports it) on each scrape and exports
 * {@code headroom_gpu_*} itself, and a real {@link ControllerRun} in the same application, against fabric8's
 * CRUD API server, watches a HeadroomPolicy whose one pod points at this application's own {@code /v1/signals}
 * and exports {@code headroom_desired_replicas}, {@code headroom_current_replicas},
 * {@code headroom_controller_acting}, {@code headroom_scaling_decisions_total} and the policy saturation it decided
 * on ({@code headroom_policy_saturation_ratio}, {@code headroom_policy_saturation_composite_ratio},
 * {@code headroom_policy_target}). Its mode is {@code direct}
 * and it leads (acting 1), but the API server refuses every write to the scale subresource (403, as for a
 * ServiceAccount without {@code update} on {@code deployments/scale}): the controller decides to scale up and
 * cannot, which is what the controller alert is for.
 *
 * <p>Prometheus scrapes the one {@code /q/metrics} twice, as {@code dashboards/prometheus/scrape-headroom.yml}
 * does a sidecar and a controller pod: job {@code headroom-sidecar} adds where the sidecar runs (namespace,
 * pod, workload) and drops the controller's series; job {@code headroom-controller} keeps only those, with the
 * labels the controller gives them ({@code honor_labels}).
 */
@QuarkusTest
class PrometheusLiveTest {

    private static final String NAMESPACE = "inference";
    private static final String POD = "chat-0";
    private static final String WORKLOAD = "chat";
    /** The controller's series, which only the controller job keeps. */
    private static final String CONTROLLER_SERIES = ControllerMeters.FAMILIES.stream()
            .map(f -> f.prometheusName().orElseThrow()).collect(java.util.stream.Collectors.joining("|", "(", ")"));

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ObjectMapper json = new ObjectMapper();

    @Inject
    SidecarRuntime sidecar;

    @Inject
    SidecarConfig config;

    @Inject
    ControllerConfig controllerConfig;

    @Inject
    MeterRegistry registry;

    @TestHTTPResource("/q/metrics")
    URL sidecarMetrics;

    @Test
    void everyPanelAndAlertReturnsDataFromARealPrometheus(@TempDir Path dir) throws Exception {
        Path prometheusBinary = PrometheusTools.require("prometheus");
        String model = EngineConfig.demo().modelName();
        Process prometheus = null;
        ScaleSubresourceDispatcher apiServer = new ScaleSubresourceDispatcher();
        apiServer.forbidWrites();
        KubernetesMockServer kubernetes = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                apiServer, false);
        ControllerRun controller = null;
        try (EngineServer engine = EngineServer.start(EngineConfig.demo(), ServerOptions.defaults().withTimeScale(2))) {
            sidecar.start(SidecarSettings.from(config, engine.baseUri().resolve("/metrics"))
                    .withScrapeInterval(Duration.ofMillis(250)),
                    Optional.of(new SimulatedGpuProbe(engine, InstantSource.system())));
            kubernetes.init(InetAddress.getLoopbackAddress(), 0);
            KubernetesClient client = kubernetes.createClient(b -> b.editOrNewConfig().withRequestRetryBackoffLimit(0).endConfig());
            workload(client, sidecarMetrics.getPort());
            controller = ControllerRun.start(client, controllerConfig, registry);
            int port = freePort();
            Path configFile = writeConfig(dir);
            prometheus = new ProcessBuilder(prometheusBinary.toString(),
                    "--config.file=" + configFile,
                    "--storage.tsdb.path=" + dir.resolve("tsdb"),
                    "--storage.tsdb.retention.time=1h",
                    "--web.listen-address=127.0.0.1:" + port)
                    .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
            URI api = URI.create("http://127.0.0.1:" + port);
            Process running = prometheus;
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> running.isAlive()
                    && get(api.resolve("/-/ready")).statusCode() == 200);

            // Overload: a steady 12 requests/s, bounded in count and in flight. It lasts longer than the wait for
            // data below plus the checks after it (closing it stops it at once), so that the overload still holds
            // when the last of them runs on a slow machine: a load that ended early let the queue drain and the
            // saturation condition lapse before the wait was over.
            LoadGenerator.Plan plan = LoadGenerator.Plan.ramp(engine.baseUri(), 12, 12, Duration.ofSeconds(90))
                    .withBounds(1080, 96);
            try (LoadGenerator load = LoadGenerator.start(plan)) {
                Map<String, String> variables = Map.of("namespace", NAMESPACE, "model", model, "pod", POD,
                        "workload", WORKLOAD, "__rate_interval", "30s", "datasource", "prometheus");
                List<Dashboard> dashboards = new ArrayList<>();
                for (Path file : PrometheusTools.dashboards()) {
                    dashboards.add(Dashboard.read(file));
                }
                Map<String, String> alerts = AlertRules.load(PrometheusTools.DASHBOARDS.resolve("prometheus/headroom-alerts.yml"));

                await().atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                        .untilAsserted(() -> {
                            for (Dashboard d : dashboards) {
                                // Panels and annotations alike: the controller decides to scale up (and is refused),
                                // so the decision annotations have their events too.
                                List<Dashboard.Query> queries = new ArrayList<>(d.queries());
                                queries.addAll(d.annotationQueries());
                                for (Dashboard.Query q : queries) {
                                    String expr = q.substituted(variables);
                                    assertThat(numbers(query(api, expr)))
                                            .as("%s / %s (%s): %s", d.file().getFileName(), q.panel(), q.refId(), expr)
                                            .isNotEmpty();
                                }
                            }
                            for (var alert : alerts.entrySet()) {
                                // The comparison as "bool" keeps every series: the expression has data either way.
                                String expr = asBool(alert.getValue());
                                assertThat(query(api, expr)).as("alert %s: %s", alert.getKey(), expr).isNotEmpty();
                            }
                            // Under this overload the saturation alert's own condition holds, and the
                            // controller, refused the scale-up it decided, stays short of its desired replicas.
                            assertThat(query(api, alerts.get("HeadroomSaturationAboveTarget"))).isNotEmpty();
                            assertThat(query(api, alerts.get("HeadroomControllerCannotAct"))).isNotEmpty();
                        });

                // The GPU series are the sidecar's own, read from the probe; the replica series the controller's.
                assertThat(query(api, "headroom_gpu_utilization_ratio{job=\"headroom-sidecar\",pod=\"" + POD + "\"}"))
                        .isNotEmpty();
                assertThat(query(api, "headroom_gpu_probe_up{job=\"headroom-sidecar\",source=\"simulated\"} == 1"))
                        .isNotEmpty();
                assertThat(numbers(query(api, "headroom_current_replicas{job=\"headroom-controller\",namespace=\""
                        + NAMESPACE + "\",workload=\"" + WORKLOAD + "\"}"))).containsExactly(1.0);
                assertThat(numbers(query(api, "headroom_desired_replicas{job=\"headroom-controller\",namespace=\""
                        + NAMESPACE + "\",workload=\"" + WORKLOAD + "\"}"))).singleElement()
                        .satisfies(desired -> assertThat(desired).isGreaterThan(1.0));
                // The leader in direct mode, refused or not, is the one meant to act.
                assertThat(numbers(query(api, "headroom_controller_acting{job=\"headroom-controller\",namespace=\""
                        + NAMESPACE + "\",workload=\"" + WORKLOAD + "\"}"))).containsExactly(1.0);
                // What it decided on: the queue against the HeadroomPolicy's target of 4, and the highest such ratio.
                assertThat(numbers(query(api, "headroom_policy_target{job=\"headroom-controller\",namespace=\""
                        + NAMESPACE + "\",workload=\"" + WORKLOAD + "\",signal=\"queue\"}"))).containsExactly(4.0);
                assertThat(numbers(query(api, "headroom_policy_saturation_composite_ratio{job=\"headroom-controller\","
                        + "namespace=\"" + NAMESPACE + "\",workload=\"" + WORKLOAD + "\"}"))).singleElement()
                        .satisfies(composite -> assertThat(composite).isPositive());
                // The controller decided to scale up, tried, and was refused: it did not act.
                WorkloadDecision latest = controller.controller().latest(NAMESPACE, WORKLOAD).orElseThrow();
                assertThat(latest.mode()).isEqualTo(ScalingMode.DIRECT);
                assertThat(latest.acted()).isFalse();
                assertThat(latest.actionError()).hasValueSatisfying(e -> assertThat(e).contains("forbidden"));
                assertThat(apiServer.refused()).isPositive();

                // Each variable's label_values() finds the value the panels were queried with.
                for (Dashboard d : dashboards) {
                    for (var v : d.variableQueries().entrySet()) {
                        assertThat(labelValues(api, new Dashboard.Query(v.getKey(), "", v.getValue()).substituted(variables)))
                                .as("variable %s of %s", v.getKey(), d.file().getFileName())
                                .contains(variables.get(v.getKey()));
                    }
                }
                // Prometheus itself loaded the rule file.
                JsonNode rules = json.readTree(get(api.resolve("/api/v1/rules")).body());
                assertThat(rules.path("data").path("groups").get(0).path("rules")).hasSize(alerts.size());
            }

            // The engine goes away: the stale alert's condition holds.
            engine.close();
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                    .untilAsserted(() -> assertThat(query(api, AlertRules.load(
                            PrometheusTools.DASHBOARDS.resolve("prometheus/headroom-alerts.yml")).get("HeadroomEngineMetricsStale")))
                            .isNotEmpty());
        } finally {
            if (prometheus != null) {
                prometheus.destroy();
                if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
                    prometheus.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            }
            if (controller != null) {
                controller.close();
            }
            kubernetes.destroy();
            // The application (and its registry) outlives this test: leave /q/metrics as the other tests expect it.
            for (String name : ControllerMeters.NAMES) {
                registry.find(name).meters().forEach(registry::remove);
            }
        }
    }

    /**
     * Deployment {@code inference/chat} at one replica, its one ready pod {@code chat-0} whose sidecar is this
     * application (its HTTP port), and a HeadroomPolicy in {@code direct} mode with a queue target the overload
     * exceeds.
     */
    private static void workload(KubernetesClient client, int sidecarPort) {
        Workloads.deployment(client, NAMESPACE, WORKLOAD, 1);
        Workloads.pod(client, NAMESPACE, POD, WORKLOAD, sidecarPort, true, Instant.now().minus(Duration.ofMinutes(5)));
        Workloads.policy(client, NAMESPACE, WORKLOAD,
                Workloads.spec(WORKLOAD, ScalingMode.DIRECT, 1, 8, Map.of("queue", 4.0)));
    }

    /** Turns each top-level comparison (written " > ", " != ", ...) into a bool one, which keeps every series. */
    static String asBool(String expr) {
        String out = expr;
        for (String op : List.of(" >= ", " <= ", " == ", " != ", " > ", " < ")) {
            out = out.replace(op, op + "bool ");
        }
        return out;
    }

    private Path writeConfig(Path dir) throws IOException {
        String target = sidecarMetrics.getHost() + ":" + sidecarMetrics.getPort();
        String config = """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                rule_files:
                  - %s
                scrape_configs:
                  - job_name: headroom-sidecar
                    metrics_path: /q/metrics
                    static_configs:
                      - targets: ['%s']
                        labels: {namespace: %s, pod: %s, workload: %s}
                    metric_relabel_configs:
                      - source_labels: [__name__]
                        regex: '%s'
                        action: drop
                  - job_name: headroom-controller
                    metrics_path: /q/metrics
                    honor_labels: true
                    static_configs:
                      - targets: ['%s']
                    metric_relabel_configs:
                      - source_labels: [__name__]
                        regex: '%s'
                        action: keep
                """.formatted(PrometheusTools.DASHBOARDS.resolve("prometheus/headroom-alerts.yml"),
                target, NAMESPACE, POD, WORKLOAD, CONTROLLER_SERIES, target, CONTROLLER_SERIES);
        Path file = dir.resolve("prometheus.yml");
        Files.writeString(file, config);
        return file;
    }

    private HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The result vector of an instant query (an error fails the assertion with Prometheus's message). */
    private List<JsonNode> query(URI api, String expr) throws IOException, InterruptedException {
        HttpResponse<String> response = get(api.resolve("/api/v1/query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8)));
        JsonNode body = json.readTree(response.body());
        assertThat(body.path("status").asText()).as("%s: %s", expr, response.body()).isEqualTo("success");
        List<JsonNode> out = new ArrayList<>();
        body.path("data").path("result").forEach(out::add);
        return out;
    }

    /** The numbers of a result, NaN left out: a panel of NaN shows nothing. */
    private static List<Double> numbers(List<JsonNode> result) {
        List<Double> out = new ArrayList<>();
        for (JsonNode series : result) {
            double v = Double.parseDouble(series.path("value").get(1).asText());
            if (!Double.isNaN(v)) {
                out.add(v);
            }
        }
        return out;
    }

    /** Runs a Grafana {@code label_values(selector, label)} through {@code /api/v1/label/<label>/values}. */
    private List<String> labelValues(URI api, String variableQuery) throws IOException, InterruptedException {
        String inner = variableQuery.substring("label_values(".length(), variableQuery.length() - 1);
        int comma = inner.lastIndexOf(',');
        String selector = inner.substring(0, comma).trim();
        String label = inner.substring(comma + 1).trim();
        HttpResponse<String> response = get(api.resolve("/api/v1/label/" + label + "/values?match[]="
                + URLEncoder.encode(selector, StandardCharsets.UTF_8)));
        List<String> out = new ArrayList<>();
        json.readTree(response.body()).path("data").forEach(v -> out.add(v.asText()));
        return out;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
