package dev.headroom.agent.prometheus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.headroom.agent.sidecar.SidecarConfig;
import dev.headroom.agent.sidecar.SidecarRuntime;
import dev.headroom.agent.sidecar.SidecarSettings;
import dev.headroom.simulator.EngineConfig;
import dev.headroom.simulator.EngineServer;
import dev.headroom.simulator.EngineSnapshot;
import dev.headroom.simulator.LoadGenerator;
import dev.headroom.simulator.ServerOptions;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real Prometheus (Debian's package) on loopback scrapes the real sidecar watching the simulated engine
 * under load; every dashboard panel's query and every alert expression then runs through Prometheus's
 * HTTP API and must return data: no dead panel, no alert on a series that does not exist.
 *
 * <p>Two extra targets stand in for series the sidecar does not serve in this setup, and say so in their
 * job names: {@code gpu-standin} renders the simulated engine's GPU readings (its {@code /gpu} view) under
 * the sidecar's GPU names, and {@code controller-standin} serves a fixed controller exposition (desired 3,
 * current 2, decisions by reason) under the controller's names.
 */
@QuarkusTest
class PrometheusLiveTest {

    private static final String NAMESPACE = "inference";
    private static final String POD = "chat-0";
    private static final String WORKLOAD = "chat";
    private static final String CONTROLLER_EXPOSITION = """
            # HELP headroom_desired_replicas Replicas the controller wants.
            # TYPE headroom_desired_replicas gauge
            headroom_desired_replicas{namespace="inference",workload="chat"} 3
            # HELP headroom_current_replicas Replicas the workload has.
            # TYPE headroom_current_replicas gauge
            headroom_current_replicas{namespace="inference",workload="chat"} 2
            # HELP headroom_scaling_decisions_total Scaling decisions by reason.
            # TYPE headroom_scaling_decisions_total counter
            headroom_scaling_decisions_total{namespace="inference",workload="chat",reason="scale_up"} 4
            headroom_scaling_decisions_total{namespace="inference",workload="chat",reason="within_tolerance"} 17
            headroom_scaling_decisions_total{namespace="inference",workload="chat",reason="held_missing_data"} 1
            """;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ObjectMapper json = new ObjectMapper();

    @Inject
    SidecarRuntime sidecar;

    @Inject
    SidecarConfig config;

    @TestHTTPResource("/q/metrics")
    URL sidecarMetrics;

    @Test
    void everyPanelAndAlertReturnsDataFromARealPrometheus(@TempDir Path dir) throws Exception {
        Path prometheusBinary = PrometheusTools.require("prometheus");
        String model = EngineConfig.demo().modelName();
        Process prometheus = null;
        HttpServer standins = null;
        try (EngineServer engine = EngineServer.start(EngineConfig.demo(), ServerOptions.defaults().withTimeScale(2))) {
            sidecar.start(SidecarSettings.from(config, engine.baseUri().resolve("/metrics"))
                    .withScrapeInterval(Duration.ofMillis(250)));
            standins = standins(engine::snapshot);
            int port = freePort();
            Path configFile = writeConfig(dir, standins.getAddress().getPort());
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

            // Overload: a steady 12 requests/s for at most 40 s, bounded in count and in flight.
            LoadGenerator.Plan plan = LoadGenerator.Plan.ramp(engine.baseUri(), 12, 12, Duration.ofSeconds(40))
                    .withBounds(480, 96);
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
                                for (Dashboard.Query q : d.queries()) {
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
                            // controller stand-in is short of its desired replicas.
                            assertThat(query(api, alerts.get("HeadroomSaturationAboveTarget"))).isNotEmpty();
                            assertThat(query(api, alerts.get("HeadroomControllerCannotAct"))).isNotEmpty();
                        });

                // Each variable's label_values() finds the value the panels were queried with.
                for (Dashboard d : dashboards) {
                    for (var v : d.variableQueries().entrySet()) {
                        assertThat(labelValues(api, v.getValue().replace("$namespace", NAMESPACE).replace("$model", model)))
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
            if (standins != null) {
                standins.stop(0);
            }
        }
    }

    /** Turns each top-level comparison (written " > ", " != ", ...) into a bool one, which keeps every series. */
    static String asBool(String expr) {
        String out = expr;
        for (String op : List.of(" >= ", " <= ", " == ", " != ", " > ", " < ")) {
            out = out.replace(op, op + "bool ");
        }
        return out;
    }

    private Path writeConfig(Path dir, int standinPort) throws IOException {
        String sidecarTarget = sidecarMetrics.getHost() + ":" + sidecarMetrics.getPort();
        String standin = "127.0.0.1:" + standinPort;
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
                  - job_name: gpu-standin
                    metrics_path: /gpu-metrics
                    static_configs:
                      - targets: ['%s']
                        labels: {namespace: %s, pod: %s, workload: %s}
                  - job_name: controller-standin
                    metrics_path: /controller-metrics
                    honor_labels: true
                    static_configs:
                      - targets: ['%s']
                """.formatted(PrometheusTools.DASHBOARDS.resolve("prometheus/headroom-alerts.yml"),
                sidecarTarget, NAMESPACE, POD, WORKLOAD, standin, NAMESPACE, POD, WORKLOAD, standin);
        Path file = dir.resolve("prometheus.yml");
        Files.writeString(file, config);
        return file;
    }

    /** The stand-in targets: GPU readings of the simulated engine now, and the fixed controller exposition. */
    private static HttpServer standins(Supplier<EngineSnapshot> engine) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/gpu-metrics", exchange -> {
            try (exchange) {
                EngineSnapshot s = engine.get();
                String labels = "{gpu=\"0\",uuid=\"GPU-simulated-0\",model=\"Simulated GPU\"}";
                String body = String.format(Locale.ROOT, """
                        # TYPE headroom_gpu_probe_up gauge
                        headroom_gpu_probe_up 1
                        # TYPE headroom_gpu_utilization_ratio gauge
                        headroom_gpu_utilization_ratio%s %s
                        # TYPE headroom_gpu_memory_used_bytes gauge
                        headroom_gpu_memory_used_bytes%s %d
                        # TYPE headroom_gpu_memory_total_bytes gauge
                        headroom_gpu_memory_total_bytes%s %d
                        """, labels, s.gpuUtilization(), labels, s.gpuMemoryUsedBytes(), labels, s.gpuMemoryTotalBytes());
                send(exchange, body);
            }
        });
        server.createContext("/controller-metrics", exchange -> {
            try (exchange) {
                send(exchange, CONTROLLER_EXPOSITION);
            }
        });
        server.start();
        return server;
    }

    private static void send(com.sun.net.httpserver.HttpExchange exchange, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
        exchange.sendResponseHeaders(200, bytes.length);
        exchange.getResponseBody().write(bytes);
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
