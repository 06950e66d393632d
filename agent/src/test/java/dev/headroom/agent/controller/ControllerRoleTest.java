package dev.headroom.agent.controller;

import dev.headroom.autoscaler.kubernetes.ScaleSubresourceDispatcher;
import dev.headroom.autoscaler.kubernetes.Workloads;
import dev.headroom.autoscaler.kubernetes.crd.ScalingMode;
import dev.headroom.simulator.EngineConfig;
import dev.headroom.simulator.EngineServer;
import dev.headroom.simulator.ServerOptions;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The controller role inside the agent, as {@code headroom controller} starts it ({@link ControllerRun} from the
 * agent's configuration), against a Kubernetes server in CRUD mode and two pods whose sidecars watch loaded
 * simulated engines, in {@code dry-run} so that the decision stays put: it is served on {@code GET /v1/decisions} and counted on {@code /q/metrics}.
 */
@QuarkusTest
class ControllerRoleTest {

    static final String NS = "llm";

    @Inject
    ControllerRuntime runtime;

    @Inject
    ControllerConfig config;

    @Inject
    MeterRegistry registry;

    @Test
    void aScaleUpIsServedWithItsPerSignalInputsAndCounted() throws Exception {
        ScaleSubresourceDispatcher dispatcher = new ScaleSubresourceDispatcher();
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                dispatcher, false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        KubernetesClient client = server.createClient(b -> b.editOrNewConfig().withRequestRetryBackoffLimit(0).endConfig());
        List<AutoCloseable> owned = new ArrayList<>();
        try {
            workload(client, owned);
            ControllerRun run = ControllerRun.start(client, config, registry);
            owned.add(0, run);
            runtime.started(run);

            await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() -> {
                JsonPath json = decisions();
                assertThat(json.getBoolean("controller")).isTrue();
                assertThat(json.getBoolean("leader")).isTrue();
                assertThat(json.getString("decisions[0].reason")).isEqualTo("ScaleUp");
            });
            JsonPath json = decisions();
            // The controller's loop comes round: its liveness check is up and says when it last made progress.
            JsonPath live = RestAssured.get("/q/health/live").then().statusCode(200).extract().jsonPath();
            assertThat(live.getString("checks.find { it.name == 'controller-loop' }.status")).isEqualTo("UP");
            assertThat(Instant.parse(live.getString("checks.find { it.name == 'controller-loop' }.data.lastProgress")))
                    .isAfter(Instant.now().minusSeconds(30));
            assertThat(json.getList("decisions")).hasSize(1);
            assertThat(json.getString("decisions[0].namespace")).isEqualTo(NS);
            assertThat(json.getString("decisions[0].workload")).isEqualTo("engine");
            assertThat(json.getString("decisions[0].target")).isEqualTo("Deployment/engine");
            assertThat(json.getString("decisions[0].mode")).isEqualTo("DryRun");
            assertThat(json.getBoolean("decisions[0].acted")).as("a dry run only records").isFalse();
            assertThat(Instant.parse(json.getString("decisions[0].at"))).isBefore(Instant.now().plusSeconds(1));
            assertThat(json.getInt("decisions[0].currentReplicas")).isEqualTo(2);
            int desired = json.getInt("decisions[0].desiredReplicas");
            // The queue is an alarm: one step more (2 → 3), whatever its ratio to the target.
            assertThat(desired).isEqualTo(3);
            assertThat(json.getInt("decisions[0].recommendedReplicas")).isEqualTo(desired);
            assertThat(json.getInt("decisions[0].stabilisedReplicas")).isEqualTo(desired);
            assertThat(json.getString("decisions[0].dominantSignal")).isEqualTo("queue");
            assertThat(json.getString("decisions[0].message")).contains("queue");
            assertThat((Object) json.get("decisions[0].actionError")).isNull();
            assertThat(json.getInt("decisions[0].pods.readyFresh")).isEqualTo(2);
            assertThat(json.getInt("decisions[0].pods.readyMissing")).isZero();
            assertThat(json.getInt("decisions[0].pods.notReady")).isZero();
            assertThat(dispatcher.writes()).as("nothing written in a dry run").isEmpty();

            List<Map<String, Object>> signals = json.getList("decisions[0].signals");
            assertThat(signals).extracting(s -> s.get("signal")).containsExactly("queue", "e2e_p95");
            Map<String, Object> queue = signals.get(0);
            assertThat(queue.get("aggregation")).isEqualTo("sum");
            assertThat(((Number) queue.get("target")).doubleValue()).isEqualTo(4.0);
            double perReplica = ((Number) queue.get("perReplicaValue")).doubleValue();
            assertThat(perReplica).isGreaterThan(4.0);
            assertThat(((Number) queue.get("workloadValue")).doubleValue()).isEqualTo(perReplica * 2);
            assertThat(((Number) queue.get("ratio")).doubleValue()).isEqualTo(perReplica / 4.0);
            assertThat(((Number) queue.get("proposedReplicas")).intValue()).isEqualTo(desired);
            // Stepped when its HPA ratio asks for more than one step; Proposed when that is exactly one step.
            assertThat(queue.get("outcome")).isIn("Stepped", "Proposed");
            assertThat(queue.get("reporting")).isEqualTo(2);
            // No request has finished: the end-to-end latency is unknown, shown as null and never as 0.
            Map<String, Object> e2e = signals.get(1);
            assertThat(e2e.get("aggregation")).isEqualTo("mean");
            assertThat(e2e).containsEntry("workloadValue", null).containsEntry("perReplicaValue", null)
                    .containsEntry("ratio", null).containsEntry("proposedReplicas", null).containsEntry("reporting", 0)
                    .containsEntry("outcome", "NoData");

            String metrics = RestAssured.get("/q/metrics").then().statusCode(200).extract().asString();
            // A later decision may already measure demand from finished requests: the count, not its value, is checked.
            assertThat(metrics).containsPattern("(?m)^headroom_desired_replicas\\{namespace=\"llm\",workload=\"engine\"} [3-8]\\.0$");
            assertThat(metrics).contains("headroom_current_replicas{namespace=\"llm\",workload=\"engine\"} 2.0\n");
            // Desired and current apart, but a dry run is not meant to act: the controller alert leaves it alone.
            assertThat(metrics).contains("headroom_controller_acting{namespace=\"llm\",workload=\"engine\"} 0.0\n");
            assertThat(metrics).containsPattern(
                    "(?m)^headroom_scaling_decisions_total\\{namespace=\"llm\",reason=\"scale_up\",workload=\"engine\"} [1-9]\\d*\\.0$");
            assertThat(metrics).contains("# TYPE headroom_desired_replicas gauge", "# TYPE headroom_scaling_decisions counter");
        } finally {
            for (AutoCloseable c : owned) {
                c.close();
            }
            client.close();
            server.destroy();
            // The application (and its registry) outlives this test: leave /q/metrics as the other tests expect it.
            for (String name : ControllerMeters.NAMES) {
                registry.find(name).meters().forEach(registry::remove);
            }
        }
    }

    private static JsonPath decisions() {
        return RestAssured.get("/v1/decisions").then().statusCode(200).extract().jsonPath();
    }

    /** Deployment {@code llm/engine} at 2 replicas, two ready pods whose sidecars watch engines with a queue. */
    private static void workload(KubernetesClient client, List<AutoCloseable> owned) throws Exception {
        Workloads.deployment(client, NS, "engine", 2);
        for (int i = 0; i < 2; i++) {
            EngineServer engine = EngineServer.start(EngineConfig.demo(), ServerOptions.defaults());
            owned.add(engine);
            // Long answers: none finishes during the test, so the end-to-end latency stays unknown.
            // 18 requests: about 8 fit the KV cache, about 10 wait: queue ≈ 10 against 4, a scale-up within the rate.
            for (int r = 0; r < 18; r++) {
                engine.submit(400, 1500);
            }
            HttpSidecar sidecar = new HttpSidecar(engine, Duration.ofMillis(200));
            owned.add(0, sidecar);
            Workloads.pod(client, NS, "engine-" + i, "engine", sidecar.port(), true, Instant.now().minus(Duration.ofMinutes(5)));
        }
        Workloads.policy(client, NS, "engine",
                Workloads.spec("engine", ScalingMode.DRY_RUN, 1, 8, Map.of("queue", 4.0, "e2e_p95", 60.0)));
    }
}
