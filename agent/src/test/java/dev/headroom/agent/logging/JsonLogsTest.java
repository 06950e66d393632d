package dev.headroom.agent.logging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headroom.agent.sidecar.SidecarConfig;
import dev.headroom.agent.sidecar.SidecarRuntime;
import dev.headroom.agent.sidecar.SidecarSettings;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The agent started with the JSON log switch on ({@code QUARKUS_LOG_CONSOLE_JSON_ENABLED=true}, the chart's
 * {@code logFormat: json}): each console line it writes is one JSON object with the fields a Kubernetes log
 * pipeline keys on.
 */
@QuarkusTest
@TestProfile(JsonLogsTest.Json.class)
class JsonLogsTest {

    /** What the environment variable sets. */
    public static class Json implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.log.console.json.enabled", "true");
        }
    }

    @Inject
    SidecarRuntime sidecar;

    @Inject
    SidecarConfig config;

    @Test
    void aLogLineOfTheRunningSidecarIsOneJsonObjectWithTimestampLevelLoggerAndMessage() throws Exception {
        URI engine = URI.create("http://127.0.0.1:9/metrics");
        List<String> lines = ConsoleLines.during(() -> sidecar.start(SidecarSettings.from(config, engine)));

        String watching = lines.stream().filter(l -> l.contains("watching")).findFirst().orElseThrow(
                () -> new AssertionError("the sidecar's start line among " + lines));
        JsonNode json = new ObjectMapper().readTree(watching);
        assertThat(json.isObject()).isTrue();
        assertThat(OffsetDateTime.parse(json.path("timestamp").asText())).isNotNull(); // a full date, with its offset
        assertThat(json.path("level").asText()).isEqualTo("INFO");
        assertThat(json.path("loggerName").asText()).isEqualTo(SidecarRuntime.class.getName());
        assertThat(json.path("message").asText()).startsWith("watching " + engine + " every ");
    }
}
