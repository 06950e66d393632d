package dev.headroom.agent;

import dev.headroom.agent.gpu.GpuConfig;
import dev.headroom.agent.gpu.GpuProbes;
import dev.headroom.agent.sidecar.ExportedMetric;
import dev.headroom.agent.sidecar.SidecarConfig;
import dev.headroom.agent.sidecar.SidecarRuntime;
import dev.headroom.agent.sidecar.SidecarSettings;
import dev.headroom.signals.Signal;
import dev.headroom.simulator.EngineConfig;
import dev.headroom.simulator.EngineServer;
import dev.headroom.simulator.ServerOptions;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.net.URI;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sidecar end to end over real HTTP: a simulated engine on a real port, the sidecar scraping it, and its
 * three outputs ({@code /v1/signals}, {@code /q/metrics}, {@code /q/health}) read as a client would.
 */
@QuarkusTest
class SidecarTest {

    @Inject
    SidecarRuntime sidecar;

    @Inject
    SidecarConfig config;

    @Inject
    GpuConfig gpuConfig;

    @Test
    void signalsFollowTheSimulatedEngineUnderLoad() throws Exception {
        try (EngineServer engine = EngineServer.start(EngineConfig.demo(), ServerOptions.defaults().withTimeScale(4))) {
            sidecar.start(settings(engine.baseUri().resolve("/metrics")));
            // Bounded load: 24 requests, more than the demo engine's KV cache holds at once.
            List<CompletableFuture<?>> inFlight = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                inFlight.add(engine.submit(400, 200));
            }

            await().atMost(Duration.ofSeconds(15)).ignoreExceptions().untilAsserted(() -> {
                JsonPath json = signals();
                assertThat(json.getBoolean("engine.up")).isTrue();
                assertThat(json.getString("engine.dialect")).startsWith("vllm");
                assertThat(json.getString("engine.model")).isEqualTo(EngineConfig.demo().modelName());
                assertThat(json.getBoolean("stale")).isFalse();
                assertThat(json.getDouble("signals.running")).isPositive();
                assertThat(json.getDouble("signals.queue")).isPositive();
                assertThat(json.getDouble("signals.kv_utilization")).isBetween(0.5, 1.0);
                assertThat(json.getDouble("signals.kv_capacity_tokens")).isEqualTo(EngineConfig.demo().kvCapacityTokens());
                assertThat(json.getDouble("signals.generation_tps")).isPositive();
                // Arrivals are known once two samples have the finished counter, running and waiting; they can be
                // 0 (everything arrived before the oldest sample), never negative.
                assertThat(json.getDouble("signals.arrivals_ps")).isNotNegative();
                assertThat(json.getString("units.arrivals_ps")).isEqualTo("1/s");
                assertThat(json.getDouble("signals.itl_mean")).isPositive();
                assertThat(json.getString("units.itl_mean")).isEqualTo("s");
                assertThat(json.getDouble("saturation.composite")).isGreaterThan(0.5);
                assertThat(json.getString("saturation.dominant")).isNotNull();
                // Targets from configuration (test application.properties): queue changed, ITL removed.
                assertThat(json.getDouble("targets.queue")).isEqualTo(6.0);
                assertThat(json.getDouble("targets.kv_utilization")).isEqualTo(0.8);
                assertThat(json.getMap("targets")).doesNotContainKey("itl_p95");
            });

            String metrics = RestAssured.get("/q/metrics").then().statusCode(200).extract().asString();
            assertThat(metrics).contains(ExportedMetric.ENGINE_UP + " 1.0");
            for (Signal signal : Signal.values()) {
                assertThat(metrics).as("exported name of %s", signal).contains(ExportedMetric.of(signal).name() + "{");
            }
            assertThat(metrics).contains(ExportedMetric.SATURATION_COMPOSITE + "{model=\"" + EngineConfig.demo().modelName() + "\"}");
            // Signals under the names src/docs/signals.md lists.
            assertThat(metrics).containsPattern("headroom_arriving_requests_per_second\\{model=\"[^\"]+\"} \\d")
                    .containsPattern("headroom_inter_token_latency_mean_seconds\\{model=\"[^\"]+\"} \\d");
            assertThat(metrics).contains(ExportedMetric.SCRAPES + "_total{outcome=\"ok\"}");
            // An info metric under the _info name, always 1.
            assertThat(metrics).containsPattern("headroom_engine_info\\{dialect=\"vllm[^\"]*\",model=\"[^\"]+\",version=\"[^\"]*\"} 1\\.0");
            // A saturation series per signal with a target; none, rather than NaN, for a signal without one.
            assertThat(metrics).containsPattern(ExportedMetric.SATURATION + "\\{model=\"[^\"]+\",signal=\"kv_utilization\"} \\d")
                    .doesNotContain("signal=\"itl_p95\"}", "signal=\"running\"}");
            // A ratio, not a percentage: a full cache under this load reads exactly 1.0.
            assertThat(metrics).containsPattern("headroom_kv_cache_utilization_ratio\\{model=\"[^\"]+\"} (0\\.\\d+|1\\.0)\n");

            CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).cancel(true);
        }
    }

    @Test
    void anUnreachableEngineIsReportedAsDataAndTheSidecarStaysHealthy() throws Exception {
        URI nowhere = URI.create("http://127.0.0.1:" + freePort() + "/metrics");
        sidecar.start(settings(nowhere));

        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> {
            JsonPath json = signals();
            assertThat(json.getBoolean("engine.up")).isFalse();
            assertThat(json.getString("lastScrape.outcome")).isEqualTo("unreachable");
            assertThat(json.getString("lastScrape.message")).contains("127.0.0.1");
            assertThat(json.getBoolean("stale")).isTrue();
            // Unknown, not zero: the keys are there with null values and there is no composite.
            assertThat(json.getMap("signals")).containsKey("queue");
            assertThat((Object) json.get("signals.queue")).isNull();
            assertThat((Object) json.get("saturation.composite")).isNull();
        });
        String metrics = RestAssured.get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).contains(ExportedMetric.ENGINE_UP + " 0.0");
        assertThat(metrics).contains(ExportedMetric.SIGNALS_STALE + " 1.0");
        assertThat(metrics).contains(ExportedMetric.SCRAPES + "_total{outcome=\"unreachable\"}");

        RestAssured.get("/q/health/ready").then().statusCode(200);
        RestAssured.get("/q/health/live").then().statusCode(200);
    }

    @Test
    void anEngineNoBuiltInDialectKnowsIsReadThroughTheConfiguredGenericDialect() throws Exception {
        // A real HTTP server with an in-house engine's payload; test application.properties maps its names.
        HttpServer engine = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        byte[] payload = ("# TYPE my_queue_depth gauge\nmy_queue_depth 3\n"
                + "# TYPE my_running gauge\nmy_running{model=\"in-house\"} 2\n").getBytes(StandardCharsets.UTF_8);
        engine.createContext("/metrics", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
            exchange.sendResponseHeaders(200, payload.length);
            exchange.getResponseBody().write(payload);
            exchange.close();
        });
        engine.start();
        try {
            sidecar.start(settings(URI.create("http://127.0.0.1:" + engine.getAddress().getPort() + "/metrics")));
            await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> {
                JsonPath json = signals();
                assertThat(json.getString("engine.dialect")).isEqualTo("generic");
                assertThat(json.getDouble("signals.queue")).isEqualTo(3.0);
                assertThat(json.getDouble("signals.running")).isEqualTo(2.0);
                // Not mapped: unknown, not zero.
                assertThat((Object) json.get("signals.kv_utilization")).isNull();
                assertThat(json.getDouble("saturation.signals.queue")).isEqualTo(3.0 / 6.0);
            });
        } finally {
            engine.stop(0);
        }
    }

    @Test
    void withoutAnNvidiaLibraryTheGpuIsReportedAbsentAndTheEngineStillWatched() throws Exception {
        // This machine has no NVIDIA driver on the library path: the default NVML probe cannot open.
        try (EngineServer engine = EngineServer.start(EngineConfig.demo(), ServerOptions.defaults())) {
            sidecar.start(settings(engine.baseUri().resolve("/metrics")), GpuProbes.open(gpuConfig, Map.of(), InstantSource.system()));
            await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> {
                JsonPath json = signals();
                assertThat(json.getBoolean("engine.up")).isTrue();
                assertThat(json.getString("gpus.source")).isEqualTo("nvml");
                assertThat(json.getBoolean("gpus.up")).isFalse();
                assertThat(json.getString("gpus.state")).isEqualTo("no_library");
                assertThat(json.getString("gpus.message")).contains("nvidia-ml");
                assertThat(json.getList("gpus.devices")).isEmpty();
            });
            String metrics = RestAssured.get("/q/metrics").then().statusCode(200).extract().asString();
            assertThat(metrics).contains(ExportedMetric.GPU_PROBE_UP + "{source=\"nvml\"} 0.0");
            assertThat(metrics).doesNotContain(ExportedMetric.GPU_MEMORY_USED + "{gpu=\"0\",model=\"NVIDIA");
        }
    }

    private SidecarSettings settings(URI metrics) {
        return SidecarSettings.from(config, metrics).withScrapeInterval(Duration.ofMillis(200));
    }

    private static JsonPath signals() {
        return RestAssured.get("/v1/signals").then().statusCode(200).extract().jsonPath();
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
