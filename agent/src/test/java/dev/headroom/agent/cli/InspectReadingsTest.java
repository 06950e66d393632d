package dev.headroom.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code headroom inspect} against real payloads (see {@code fixtures/engines/SOURCES.md}) over loopback HTTP and from
 * files: it reads a URL as the sidecar does (llama.cpp's slots included, beside the metrics path), says what it
 * rejected and why, says "behind Ray", and a bad option is one line naming what would do, never a stack trace.
 */
class InspectReadingsTest {

    private static final String VLLM = "vllm-v1-0.10-ascend-qwen2.5-0.5b-pymotor-d87b6eb.prom";
    private static final String QUEUE_LINE =
            "vllm:num_requests_waiting{engine=\"0\",model_name=\"/job/model/Qwen2.5-0.5B-Instruct\"} 0.0";
    private static final String KV_LINE = "vllm:kv_cache_usage_perc{engine=\"0\","
            + "model_name=\"/job/model/Qwen2.5-0.5B-Instruct\"} 1.3798051715085968e-05";

    @TempDir
    Path dir;

    private HttpServer server;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        serve("/metrics", fixture("llamacpp-b11669-busy.prom"));
        serve("/slots", fixture("llamacpp-b11669-slots-busy.json"));
        // behind a path-routing proxy: llama.cpp under /llama/, nothing at the root's /slots for it
        serve("/llama/metrics", fixture("llamacpp-b11669-busy.prom"));
        serve("/llama/slots", fixture("llamacpp-b11669-slots-busy.json"));
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("llamaPaths")
    void aLlamaCppUrlIsReadAsTheSidecarReadsItSlotsIncluded(String path) {
        int exit = inspect(url(path));

        assertThat(exit).isZero();
        // two processing slots of n_ctx 512, each holding 19 prompt tokens: what /slots says, as a sidecar reads it
        assertThat(stdout()).contains("dialect:  llamacpp", "\"kv_utilization\" : " + 38.0 / 1024,
                "\"kv_capacity_tokens\" : 1024.0");
    }

    static Stream<String> llamaPaths() {
        return Stream.of("/metrics", "/llama/metrics");
    }

    static Stream<Arguments> payloads() {
        String vllm = new String(fixture(VLLM), StandardCharsets.UTF_8);
        return Stream.of(
                arguments("KV 1.7", vllm.replace(KV_LINE, KV_LINE.replaceAll(" \\S+$", " 1.7")),
                        List.of("kv_utilization: out_of_range: kv_utilization read 1.7")),
                arguments("waiting -4", vllm.replace(QUEUE_LINE, QUEUE_LINE.replace(" 0.0", " -4")),
                        List.of("queue: negative: queue read -4.0")),
                arguments("queue 3 and 5, not 8", vllm.replace(QUEUE_LINE,
                        QUEUE_LINE.replace(" 0.0", " 3") + "\n" + QUEUE_LINE.replace(" 0.0", " 5")),
                        List.of("queue: duplicate_series", "appears more than once")),
                arguments("KV NaN", vllm.replace(KV_LINE, KV_LINE.replaceAll(" \\S+$", " NaN")),
                        List.of("kv_utilization: non_finite")),
                arguments("Ray, underscore", vllm.replace("vllm:", "ray_vllm_"),
                        List.of("engine:   vllm-v1-ray", "behind Ray", "\"deployment\" : \"behind Ray\"")),
                arguments("Ray, colon", vllm.replace("vllm:", "ray_vllm:"), List.of("behind Ray")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("payloads")
    void aFileSaysWhatWasRejectedAndHowTheEngineIsDeployed(String name, String payload, List<String> expected)
            throws IOException {
        Path file = dir.resolve("metrics.prom");
        Files.writeString(file, payload);

        int exit = inspect(file.toString());

        assertThat(exit).isZero();
        assertThat(stdout()).contains(expected);
        assertThat(stdout()).doesNotContain("\"queue\" : 8.0", "\"kv_utilization\" : 1.7", "\"queue\" : -4.0");
    }

    static Stream<Arguments> badOptions() {
        return Stream.of(
                arguments("an unknown dialect", List.of("--dialect", "ollama"),
                        List.of("unknown engine dialect 'ollama'", "vllm", "llamacpp")),
                arguments("generic without a mapping", List.of("--dialect", "generic"),
                        List.of("the generic dialect needs a mapping", "SIGNAL.metric=FAMILY")),
                arguments("a mapping with an unknown signal", List.of("--dialect", "generic", "--map",
                        "waiting.metric=x"), List.of("waiting.metric", "unknown key")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badOptions")
    void aBadOptionIsOneLineNamingWhatWouldDo(String name, List<String> options, List<String> expected) {
        InspectCommand command = command(url("/metrics"));
        new picocli.CommandLine(command).parseArgs(Stream.concat(options.stream(), Stream.of(url("/metrics")))
                .toArray(String[]::new));

        int exit = call(command);

        assertThat(exit).isEqualTo(2);
        String error = err.toString(StandardCharsets.UTF_8);
        assertThat(error).contains(expected).doesNotContain("Exception", "\tat ");
        assertThat(error.strip().lines()).hasSize(1);
    }

    @Test
    void inspectTakesAGenericMappingFromOptionsOrAFile() throws IOException {
        Path payload = dir.resolve("other.prom");
        Files.writeString(payload, "# TYPE my_waiting gauge\nmy_waiting{model=\"m\"} 7\n");
        Path mapping = dir.resolve("mapping.properties");
        Files.writeString(mapping, "queue.metric=my_waiting\nmodel-label=model\n");

        InspectCommand fromFile = command(payload.toString());
        new picocli.CommandLine(fromFile).parseArgs("--dialect", "generic", "--map-file", mapping.toString(),
                payload.toString());
        assertThat(call(fromFile)).isZero();
        assertThat(stdout()).contains("dialect:  generic", "\"queue\" : 7.0");

        out.reset();
        InspectCommand fromOptions = command(payload.toString());
        new picocli.CommandLine(fromOptions).parseArgs("--map", "queue.metric=my_waiting", payload.toString());
        assertThat(call(fromOptions)).isZero();
        assertThat(stdout()).contains("dialect:  generic", "\"queue\" : 7.0");
    }

    private int inspect(String source) {
        InspectCommand command = command(source);
        new picocli.CommandLine(command).parseArgs(source);
        return call(command);
    }

    private InspectCommand command(String source) {
        InspectCommand command = new InspectCommand();
        command.out = new PrintStream(out, true, StandardCharsets.UTF_8);
        command.err = new PrintStream(err, true, StandardCharsets.UTF_8);
        return command;
    }

    private static int call(InspectCommand command) {
        try {
            return command.call();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    private void serve(String path, byte[] body) {
        server.createContext(path, exchange -> {
            if (!exchange.getRequestURI().getPath().equals(path)) {
                exchange.sendResponseHeaders(404, -1);
                exchange.close();
                return;
            }
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
    }

    private static byte[] fixture(String name) {
        try (InputStream in = InspectReadingsTest.class.getResourceAsStream("/fixtures/engines/" + name)) {
            if (in == null) {
                throw new IllegalStateException("no fixture " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
