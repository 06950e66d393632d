package dev.headroom.simulator;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class EngineServerTest {

    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private static final String PLAIN = "{engine=\"0\",model_name=\"headroom/demo-8b-small-kv\"}";

    private final List<EngineServer> servers = new ArrayList<>();

    @AfterEach
    void closeServers() {
        servers.forEach(EngineServer::close);
    }

    private EngineServer start(EngineConfig config, ServerOptions options) throws IOException {
        EngineServer server = EngineServer.start(config, options);
        servers.add(server);
        return server;
    }

    private static HttpResponse<String> get(EngineServer server, String path) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(server.baseUri().resolve(path)).timeout(Duration.ofSeconds(5))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(EngineServer server, String path, String body) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(server.baseUri().resolve(path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static double sample(String metrics, String key) {
        return ExpositionFamilies.parse(metrics).samples.get(key);
    }

    @Test
    void aCompletionOverHttpFinishesAndShowsInTheMetrics() throws Exception {
        EngineServer server = start(EngineConfig.demo(), ServerOptions.defaults().withTimeScale(50));
        assertThat(server.port()).isPositive();

        HttpResponse<String> response = post(server, "/v1/completions",
                "{\"model\":\"x\",\"prompt_tokens\":32,\"max_tokens\":8}");

        assertThat(response.statusCode()).isEqualTo(200);
        Map<String, Object> json = JsonBody.parseObject(response.body());
        @SuppressWarnings("unchecked")
        Map<String, Object> usage = (Map<String, Object>) json.get("usage");
        assertThat(usage).containsEntry("prompt_tokens", 32.0).containsEntry("completion_tokens", 8.0);
        @SuppressWarnings("unchecked")
        Map<String, Object> metrics = (Map<String, Object>) json.get("metrics");
        // Prefill of 32 tokens alone costs at least the fixed 10 ms step.
        assertThat((Double) metrics.get("ttft_seconds")).isGreaterThanOrEqualTo(0.010);
        assertThat((Double) metrics.get("e2e_seconds")).isGreaterThanOrEqualTo(8 * 0.010);

        HttpResponse<String> scrape = get(server, "/metrics");
        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(scrape.headers().firstValue("Content-Type"))
                .hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(sample(scrape.body(), "vllm:generation_tokens_total" + PLAIN)).isEqualTo(8.0);
        assertThat(sample(scrape.body(), "vllm:prompt_tokens_total" + PLAIN)).isEqualTo(32.0);
        assertThat(sample(scrape.body(),
                "vllm:request_success_total{engine=\"0\",finished_reason=\"length\","
                        + "model_name=\"headroom/demo-8b-small-kv\"}")).isEqualTo(1.0);
        assertThat(sample(scrape.body(), "vllm:time_to_first_token_seconds_count" + PLAIN)).isEqualTo(1.0);
        assertThat(sample(scrape.body(), "vllm:inter_token_latency_seconds_count" + PLAIN)).isEqualTo(7.0);
    }

    @Test
    void aPromptStringCountsAboutFourCharactersPerToken() throws Exception {
        EngineServer server = start(EngineConfig.demo(), ServerOptions.defaults().withTimeScale(50));
        HttpResponse<String> response = post(server, "/v1/completions",
                "{\"prompt\":\"" + "x".repeat(41) + "\",\"max_tokens\":2}");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"prompt_tokens\":11,").contains("\"completion_tokens\":2,");
    }

    @Test
    void badRequestsAreRefusedWithTheFieldNamed() throws Exception {
        EngineServer server = start(EngineConfig.demo(), ServerOptions.defaults().withTimeScale(50));
        HttpResponse<String> notJson = post(server, "/v1/completions", "{\"prompt_tokens\":");
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(notJson.body()).contains("invalid JSON at offset");
        HttpResponse<String> noPrompt = post(server, "/v1/completions", "{\"max_tokens\":3}");
        assertThat(noPrompt.statusCode()).isEqualTo(400);
        assertThat(noPrompt.body()).contains("'prompt'");
        HttpResponse<String> fractional = post(server, "/v1/completions", "{\"prompt_tokens\":3,\"max_tokens\":2.5}");
        assertThat(fractional.statusCode()).isEqualTo(400);
        assertThat(fractional.body()).contains("'max_tokens'");
        HttpResponse<String> tooLong = post(server, "/v1/completions", "{\"prompt_tokens\":2000,\"max_tokens\":100}");
        assertThat(tooLong.statusCode()).isEqualTo(400);
        assertThat(tooLong.body()).contains("max_model_len 2048");
        assertThat(get(server, "/v1/completions").statusCode()).isEqualTo(405);
        assertThat(get(server, "/nope").statusCode()).isEqualTo(404);
        assertThat(get(server, "/health").statusCode()).isEqualTo(200);
        // The engine kept working.
        assertThat(post(server, "/v1/completions", "{\"prompt_tokens\":3,\"max_tokens\":2}").statusCode())
                .isEqualTo(200);
    }

    @Test
    void theQueueCapAnswers503AndTheRestKeepsWaiting() throws Exception {
        // One sequence at a time and a 1 s step: the first request holds the engine for minutes.
        EngineConfig slow = EngineConfig.demo().withMaxNumSeqs(1).withStepCosts(1.0, 0, 0);
        EngineServer server = start(slow, ServerOptions.defaults().withMaxWaiting(2));

        CompletableFuture<RequestResult> first = server.submit(16, 500);
        await().atMost(Duration.ofSeconds(5)).until(() -> server.snapshot().running() == 1);
        CompletableFuture<RequestResult> second = server.submit(16, 500);
        CompletableFuture<RequestResult> third = server.submit(16, 500);

        HttpResponse<String> refused = post(server, "/v1/completions", "{\"prompt_tokens\":8,\"max_tokens\":8}");
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.body()).contains("waiting queue is full").contains("cap 2");
        assertThatThrownBy(() -> server.submit(1, 1)).isInstanceOf(EngineServer.QueueFullException.class);

        await().atMost(Duration.ofSeconds(5)).until(() -> server.snapshot().waiting() == 2);
        String scrape = get(server, "/metrics").body();
        assertThat(sample(scrape, "vllm:num_requests_waiting" + PLAIN)).isEqualTo(2.0);
        assertThat(sample(scrape, "vllm:num_requests_running" + PLAIN)).isEqualTo(1.0);

        server.close();
        assertThat(first).isCompletedExceptionally();
        assertThat(second).isCompletedExceptionally();
        assertThat(third).isCompletedExceptionally();
        String finalMetrics = server.renderMetrics();
        assertThat(sample(finalMetrics, "vllm:request_success_total{engine=\"0\",finished_reason=\"abort\","
                + "model_name=\"headroom/demo-8b-small-kv\"}")).isEqualTo(3.0);
    }

    @Test
    void gpuReadsBusyWithOneRequestWhileKvIsNearlyEmpty() throws Exception {
        EngineServer server = start(EngineConfig.demo(), ServerOptions.defaults().withTimeScale(10));
        CompletableFuture<RequestResult> longOne = server.submit(16, 2000);

        await().atMost(Duration.ofSeconds(5)).until(() -> server.engineSeconds() > 1.5);
        await().atMost(Duration.ofSeconds(5)).until(() -> server.gpuUtilization() > 0.95);
        EngineSnapshot s = server.snapshot();
        assertThat(s.running()).isEqualTo(1);
        assertThat(s.kvCacheUsage()).isLessThan(0.1);
        assertThat(s.gpuMemoryUsedBytes()).as("VRAM looks full: it is pre-allocated")
                .isEqualTo((long) (s.gpuMemoryTotalBytes() * 0.9));
        Map<String, Object> gpu = JsonBody.parseObject(get(server, "/gpu").body());
        assertThat((Double) gpu.get("utilization")).isGreaterThan(0.9);
        assertThat(longOne).isNotDone();
    }

    @Test
    void countersScrapedOverHttpNeverDecrease() throws Exception {
        EngineServer server = start(EngineConfig.demo(), ServerOptions.defaults().withTimeScale(20));
        List<CompletableFuture<RequestResult>> all = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            all.add(server.submit(100 + 30 * i, 40 + 5 * i));
        }
        Map<String, Double> before = ExpositionFamilies.parse(get(server, "/metrics").body()).samples;
        int scrapes = 0;
        while (scrapes < 200 && !all.stream().allMatch(CompletableFuture::isDone)) {
            Map<String, Double> after = ExpositionFamilies.parse(get(server, "/metrics").body()).samples;
            for (Map.Entry<String, Double> e : after.entrySet()) {
                if (e.getKey().contains("_total{") || e.getKey().contains("_count{") || e.getKey().contains("_bucket{")) {
                    assertThat(e.getValue()).as(e.getKey()).isGreaterThanOrEqualTo(before.get(e.getKey()));
                }
            }
            before = after;
            scrapes++;
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> all.stream().allMatch(CompletableFuture::isDone));
        assertThat(sample(get(server, "/metrics").body(), "vllm:e2e_request_latency_seconds_count" + PLAIN))
                .isEqualTo(12.0);
    }

    @Test
    void closeStopsServingAndTheEngineThread() throws Exception {
        EngineServer server = start(EngineConfig.demo(), ServerOptions.defaults());
        assertThat(Thread.getAllStackTraces().keySet()).anyMatch(t -> t.getName().equals("engine-steps-" + server.port()));
        URI health = server.baseUri().resolve("/health");
        assertThat(get(server, "/health").statusCode()).isEqualTo(200);
        server.close();
        assertThatThrownBy(() -> CLIENT.send(HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(2)).build(),
                HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
        String engineThread = "engine-steps-" + server.port();
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals(engineThread) && t.isAlive());
        assertThatThrownBy(() -> server.submit(1, 1)).isInstanceOf(IllegalStateException.class);
    }
}
