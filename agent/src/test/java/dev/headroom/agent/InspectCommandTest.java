package dev.headroom.agent;

import dev.headroom.simulator.EngineConfig;
import dev.headroom.simulator.EngineServer;
import dev.headroom.simulator.ServerOptions;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code headroom inspect} as a user runs it: on a file, on a live URL, and on bad input. */
@QuarkusMainTest
class InspectCommandTest {

    @TempDir
    Path dir;

    @Test
    void aFileFromAVllmEngineIsReadAndExplained(QuarkusMainLauncher launcher) throws Exception {
        Path payload = dir.resolve("metrics.prom");
        try (EngineServer engine = EngineServer.start(EngineConfig.demo(), ServerOptions.defaults())) {
            Files.writeString(payload, engine.renderMetrics());
        }
        LaunchResult result = launcher.launch("inspect", payload.toString());

        assertThat(result.exitCode()).isZero();
        String out = result.getOutput();
        assertThat(out).contains("dialect:  vllm", "\"model\" : \"" + EngineConfig.demo().modelName() + "\"");
        assertThat(out).contains("\"kv_capacity_tokens\" : " + (double) EngineConfig.demo().kvCapacityTokens());
        assertThat(out).contains("\"queue\" : 0.0", "\"running\" : 0.0");
        assertThat(out).containsPattern("families read \\(\\d+\\): .*vllm:num_requests_waiting");
        assertThat(out).contains("families not used");
    }

    @Test
    void jsonOutputIsOneDocumentWithTheSameReading(QuarkusMainLauncher launcher) throws Exception {
        Path payload = dir.resolve("metrics.prom");
        try (EngineServer engine = EngineServer.start(EngineConfig.demo(), ServerOptions.defaults())) {
            Files.writeString(payload, engine.renderMetrics());
        }
        LaunchResult result = launcher.launch("inspect", payload.toString(), "--output", "json");

        assertThat(result.exitCode()).as(result.getErrorOutput()).isZero();
        // The test launcher hands Quarkus' own start-up log lines (dated, on stderr in a launched program) over
        // with the output; the rest is one document and nothing after it (what python3 -m json.tool asks).
        String json = result.getOutput().lines()
                .filter(line -> !line.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\S* (INFO|WARN) .*"))
                .collect(java.util.stream.Collectors.joining("\n"));
        JsonNode read = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(json);
        assertThat(read.get("source").asText()).isEqualTo(payload.toString());
        assertThat(read.get("dialect").asText()).startsWith("vllm");
        assertThat(read.at("/sample/engine/model").asText()).isEqualTo(EngineConfig.demo().modelName());
        assertThat(read.get("rejected").isArray()).isTrue();
        assertThat(read.get("families_read").toString()).contains("vllm:num_requests_waiting");
        assertThat(read.get("families_not_used").isArray()).isTrue();

        LaunchResult yaml = launcher.launch("inspect", payload.toString(), "--output", "yaml");
        assertThat(yaml.exitCode()).isEqualTo(2);
        assertThat(yaml.getErrorOutput()).contains("--output", "yaml", "text or json");
    }

    @Test
    void aLiveEngineIsInspectedOverHttp(QuarkusMainLauncher launcher) throws Exception {
        try (EngineServer engine = EngineServer.start(EngineConfig.demo(), ServerOptions.defaults())) {
            LaunchResult result = launcher.launch("inspect", engine.baseUri().resolve("/metrics").toString());
            assertThat(result.exitCode()).isZero();
            assertThat(result.getOutput()).contains("source:   " + engine.baseUri() + "/metrics", "dialect:  vllm");
        }
    }

    @Test
    void malformedInputNamesLineAndColumnAndFails(QuarkusMainLauncher launcher) throws Exception {
        Path payload = dir.resolve("bad.prom");
        Files.writeString(payload, "# TYPE vllm:num_requests_waiting gauge\nvllm:num_requests_waiting{model_name=\"m\" 3\n");
        LaunchResult result = launcher.launch("inspect", payload.toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.getErrorOutput()).contains("is not valid exposition text").containsPattern("line 2");
    }

    @Test
    void aPayloadNoDialectKnowsListsWhatWasSeen(QuarkusMainLauncher launcher) throws Exception {
        Path payload = dir.resolve("other.prom");
        Files.writeString(payload, "# TYPE my_app_requests counter\nmy_app_requests_total 3\n");
        LaunchResult result = launcher.launch("inspect", payload.toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.getErrorOutput()).contains("my_app_requests");
    }

    @Test
    void aFileLargerThanAScrapeAcceptsIsRefusedWithoutReadingItWhole(QuarkusMainLauncher launcher) throws Exception {
        Path payload = dir.resolve("huge.prom");
        // 64 MiB, sparse: read whole it would be sixteen times the limit on the heap.
        try (var f = new java.io.RandomAccessFile(payload.toFile(), "rw")) {
            f.setLength(64L * 1024 * 1024);
        }
        LaunchResult result = launcher.launch("inspect", payload.toString());
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.getErrorOutput()).contains("huge.prom holds more than 4,194,304 bytes", "not read further");
    }

    @Test
    void aMissingFileIsAnInputError(QuarkusMainLauncher launcher) {
        LaunchResult result = launcher.launch("inspect", dir.resolve("nope.prom").toString());
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.getErrorOutput()).contains("cannot read", "nope.prom");
    }
}
