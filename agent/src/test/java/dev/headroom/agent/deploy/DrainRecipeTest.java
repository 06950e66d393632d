package dev.headroom.agent.deploy;

import dev.headroom.agent.sidecar.SidecarConfig;
import dev.headroom.agent.sidecar.SidecarRuntime;
import dev.headroom.agent.sidecar.SidecarSettings;
import dev.headroom.simulator.EngineConfig;
import dev.headroom.simulator.EngineServer;
import dev.headroom.simulator.ServerOptions;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The drain recipe of {@code deploy/examples/vllm-with-headroom.yaml}, run for real: the sidecar scrapes a simulated
 * vLLM engine on loopback, {@code GET /v1/drained} follows it (200 idle, 503 with the counts while a request runs,
 * 503 "unknown" once the engine is gone), and the example's own {@code preStop} script, run with bash against this
 * sidecar, returns only after the request finished, or at its bound when the answer stays unknown.
 */
@QuarkusTest
class DrainRecipeTest {

    @Inject
    SidecarRuntime sidecar;

    @Inject
    SidecarConfig config;

    @Test
    void thePreStopWaitsForTheEngineToDrainAndNeverTakesMissingDataForDrained() throws Exception {
        Deployment example = Deploy.parse(Deploy.examples().resolve("vllm-with-headroom.yaml")).stream()
                .filter(Deployment.class::isInstance).map(Deployment.class::cast).findFirst().orElseThrow();
        List<String> preStop = container(example, "vllm").getLifecycle().getPreStop().getExec().getCommand();
        assertThat(container(example, "headroom").getLifecycle().getPreStop().getExec().getCommand())
                .as("the sidecar waits as long, so that it outlives the engine's drain").isEqualTo(preStop);
        assertThat(preStop.get(2)).contains("/v1/drained").contains("bound=${DRAIN_BOUND:-110}");
        assertThat(example.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds())
                .as("the grace period covers the preStop's bound and settle time").isGreaterThan(110 + 5);

        try (EngineServer engine = EngineServer.start(EngineConfig.demo(), ServerOptions.defaults())) {
            sidecar.start(SidecarSettings.from(config, engine.baseUri().resolve("/metrics"))
                    .withScrapeInterval(Duration.ofMillis(200)));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                JsonPath idle = drained(200);
                assertThat(idle.getString("state")).isEqualTo("drained");
                assertThat(idle.getDouble("running")).isZero();
            });

            CompletableFuture<?> request = engine.submit(400, 300);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                JsonPath busy = drained(503);
                assertThat(busy.getBoolean("drained")).isFalse();
                assertThat(busy.getString("state")).isEqualTo("busy");
                assertThat(busy.getDouble("running") + busy.getDouble("waiting")).isEqualTo(1.0);
            });

            Process hook = preStop(preStop, 60);
            request.get(60, TimeUnit.SECONDS);
            assertThat(hook.isAlive()).as("the preStop was still waiting when the request finished").isTrue();
            assertThat(hook.waitFor(20, TimeUnit.SECONDS)).as("and returned once the engine drained").isTrue();
            assertThat(hook.exitValue()).isZero();
        }

        // The engine is gone: its last answer was "drained", yet the sidecar never says so on missing data.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonPath unknown = drained(503);
            assertThat(unknown.getString("state")).isEqualTo("unknown");
            assertThat((Object) unknown.get("running")).isNull();
            assertThat(unknown.getString("reason")).contains("did not answer");
        });
        long started = System.nanoTime();
        Process bounded = preStop(preStop, 2);
        assertThat(bounded.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("it waited out its bound")
                .isGreaterThanOrEqualTo(Duration.ofSeconds(2));
    }

    /** The example's preStop, run with bash against this sidecar, no settle time, {@code bound} seconds at most. */
    private static Process preStop(List<String> command, int bound) throws Exception {
        ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        b.environment().put("DRAIN_PORT", Integer.toString(URI.create(RestAssured.baseURI + ":" + RestAssured.port)
                .getPort()));
        b.environment().put("DRAIN_BOUND", Integer.toString(bound));
        b.environment().put("DRAIN_SETTLE", "0");
        return b.start();
    }

    private static JsonPath drained(int status) {
        return RestAssured.get("/v1/drained").then().statusCode(status).extract().jsonPath();
    }

    private static Container container(Deployment d, String name) {
        return d.getSpec().getTemplate().getSpec().getContainers().stream().filter(c -> c.getName().equals(name))
                .findFirst().orElseThrow();
    }
}
