package dev.headroom.agent.keda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headroom.agent.sidecar.SignalsView;
import dev.headroom.signals.monitor.EngineMonitor;
import dev.headroom.signals.monitor.EngineState;
import dev.headroom.signals.SaturationTargets;
import dev.headroom.signals.WindowConfig;
import dev.headroom.collectors.scrape.ScrapeConfig;
import dev.headroom.simulator.EngineConfig;
import dev.headroom.simulator.EngineServer;
import dev.headroom.simulator.ServerOptions;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.InstantSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sidecar's {@code /v1/signals} body read as KEDA's {@code metrics-api} scaler reads it: a GJSON path
 * ({@code valueLocation}) that must land on a number (KEDA also accepts a Quantity string; anything else, null
 * included, is a scaler error, so the HPA holds).
 */
class MetricsApiScalerTest {

    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void saturationCompositeIsANumberAtTheDocumentedPath() throws Exception {
        try (EngineServer engine = EngineServer.start(EngineConfig.demo(), ServerOptions.defaults())) {
            EngineState state = monitor(engine.baseUri().resolve("/metrics")).scrapeOnce();
            JsonNode body = mapper.readTree(mapper.writeValueAsString(SignalsView.of(state)));

            JsonNode composite = gjson(body, "saturation.composite");
            assertThat(composite.isNumber()).as("saturation.composite in %s", body.path("saturation")).isTrue();
            assertThat(composite.asDouble()).isBetween(0.0, 10.0);
            assertThat(gjson(body, "signals.kv_utilization").isNumber()).isTrue();
            assertThat(gjson(body, "signals.queue").isNumber()).isTrue();
        }
    }

    @Test
    void anUnknownValueIsNullWhichKedaRejectsRatherThanAZero() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        EngineState state = monitor(URI.create("http://127.0.0.1:" + closedPort + "/metrics")).scrapeOnce();
        JsonNode body = mapper.readTree(mapper.writeValueAsString(SignalsView.of(state)));

        assertThat(gjson(body, "saturation.composite").isNull()).isTrue();
        assertThat(gjson(body, "signals.queue").isNull()).isTrue();
        assertThat(body.path("stale").asBoolean()).isTrue();
    }

    private static EngineMonitor monitor(URI url) {
        return new EngineMonitor(ScrapeConfig.defaults(url), WindowConfig.defaults(), SaturationTargets.defaults(),
                InstantSource.system());
    }

    /** GJSON's plain dotted path: object keys, or an index into an array. */
    private static JsonNode gjson(JsonNode root, String path) {
        JsonNode n = root;
        for (String part : path.split("\\.")) {
            n = n.isArray() ? n.path(Integer.parseInt(part)) : n.path(part);
        }
        return n;
    }
}
