package dev.headroom.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headroom.agent.sidecar.SidecarConfig;
import dev.headroom.agent.sidecar.SidecarRuntime;
import dev.headroom.agent.sidecar.SidecarSettings;
import dev.headroom.autoscaler.kubernetes.SidecarSignals;
import dev.headroom.signals.Signal;
import dev.headroom.signals.Signals;
import dev.headroom.simulator.EngineConfig;
import dev.headroom.simulator.EngineServer;
import dev.headroom.simulator.ServerOptions;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The contract between the two roles: the controller's reader ({@link SidecarSignals}) applied to the agent's real
 * {@code GET /v1/signals}, served by the running sidecar over HTTP, gives back exactly the values the sidecar
 * reports, unknown as unknown, and a stale sidecar as stale.
 */
@QuarkusTest
class SidecarSignalsContractTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    SidecarRuntime sidecar;

    @Inject
    SidecarConfig config;

    @Test
    void theControllerReadsTheRealSidecarAnswerAsTheSidecarMeansIt() throws Exception {
        try (EngineServer engine = EngineServer.start(EngineConfig.demo(), ServerOptions.defaults().withTimeScale(4))) {
            sidecar.start(SidecarSettings.from(config, engine.baseUri().resolve("/metrics"))
                    .withScrapeInterval(Duration.ofMillis(200)));
            for (int i = 0; i < 30; i++) {
                engine.submit(400, 100);
            }
            // Until the window has rates and some latency: a mix of known and unknown values.
            await().atMost(Duration.ofSeconds(15)).until(() -> {
                JsonNode s = JSON.readTree(body()).get("signals");
                return s.get("queue").isNumber() && s.get("generation_tps").isNumber() && s.get("ttft_p95").isNumber();
            });
            byte[] body = body();
            Instant received = Instant.now();
            Signals read = SidecarSignals.parse(body, received);
            JsonNode served = JSON.readTree(body);

            assertThat(read.stale()).isFalse();
            assertThat(read.samples()).isEqualTo(served.get("samples").asInt()).isPositive();
            assertThat(read.age().toNanos() / 1e9).isCloseTo(served.get("ageSeconds").asDouble(),
                    org.assertj.core.data.Offset.offset(1e-6));
            assertThat(read.engine().dialect()).isEqualTo(served.at("/engine/dialect").asText()).startsWith("vllm");
            assertThat(read.engine().model()).isEqualTo(EngineConfig.demo().modelName());
            int known = 0;
            for (Signal signal : Signal.values()) {
                JsonNode v = served.get("signals").get(signal.key());
                assertThat(v).as("every key is served: %s", signal.key()).isNotNull();
                if (v.isNull()) {
                    assertThat(read.get(signal)).as("%s unknown", signal.key()).isEmpty();
                } else {
                    assertThat(read.get(signal)).as("%s", signal.key()).hasValue(v.asDouble());
                    known++;
                }
            }
            assertThat(known).as("known signals").isGreaterThanOrEqualTo(8);
            assertThat(read.values()).containsKeys(Signal.QUEUE, Signal.RUNNING, Signal.KV_UTILIZATION,
                    Signal.GENERATION_TPS, Signal.TTFT_P95).hasSize(known);
        }

        // The engine is gone: the sidecar goes stale, and the controller reads no value at all from it.
        sidecar.start(SidecarSettings.from(config, URI.create("http://127.0.0.1:" + freePort() + "/metrics"))
                .withScrapeInterval(Duration.ofMillis(200)));
        await().atMost(Duration.ofSeconds(10)).until(() -> JSON.readTree(body()).get("stale").asBoolean());
        Signals stale = SidecarSignals.parse(body(), Instant.now());
        assertThat(stale.stale()).isTrue();
        assertThat(stale.values()).isEmpty();
        assertThat(stale.hasData()).isFalse();
    }

    private static byte[] body() {
        return RestAssured.get("/v1/signals").then().statusCode(200).extract().asByteArray();
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
