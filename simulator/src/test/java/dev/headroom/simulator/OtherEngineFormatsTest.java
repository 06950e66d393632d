package dev.headroom.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The simulator speaking SGLang and TGI: the engines' own names, types, labels and units, from the same model. */
class OtherEngineFormatsTest {

    private static EngineModel busyModel() {
        EngineModel model = new EngineModel(EngineConfig.demo());
        for (int i = 0; i < 30; i++) {
            model.submit(new SimRequest(i, 0, 400, 300));
        }
        double now = 0;
        for (int i = 0; i < 40; i++) {
            now += model.step(now);
        }
        assertThat(model.runningCount()).isPositive();
        assertThat(model.waitingCount()).isPositive();
        return model;
    }

    @Test
    void sglangPrintsSchedulerGaugesOncePerTensorParallelRank() {
        EngineModel model = busyModel();
        ExpositionFamilies f = ExpositionFamilies.parse(SglangMetricsRenderer.render(model, 1, 2));
        String model0 = "dp_rank=\"1\",engine_type=\"unified\",model_name=\"" + model.config().modelName() + "\",";
        for (int tp = 0; tp < SglangMetricsRenderer.TP_SIZE; tp++) {
            String labels = "{" + model0 + "tp_rank=\"" + tp + "\"}";
            assertThat(f.samples.get("sglang:num_running_reqs" + labels)).isEqualTo((double) model.runningCount());
            assertThat(f.samples.get("sglang:num_queue_reqs" + labels)).isEqualTo(model.waitingCount() + 2.0);
            assertThat(f.samples.get("sglang:token_usage" + labels))
                    .isEqualTo(Math.round(model.kvCacheUsage() * 100) / 100.0);
            assertThat(f.samples.get("sglang:max_total_num_tokens" + labels))
                    .isEqualTo((double) model.config().kvCapacityTokens());
        }
        String byModel = "{model_name=\"" + model.config().modelName() + "\"}";
        assertThat(f.samples.get("sglang:generation_tokens_total" + byModel))
                .isEqualTo((double) model.metrics().generationTokens());
        assertThat(f.families.get("sglang:generation_tokens_total").type()).isEqualTo("counter");
        assertThat(f.families.get("sglang:inter_token_latency_seconds").type()).isEqualTo("histogram");
        assertThat(f.families).doesNotContainKey("sglang:time_per_output_token_seconds");
    }

    @Test
    void tgiHasNoLabelsNoTotalSuffixAndATokenBudget() {
        EngineModel model = busyModel();
        String text = TgiMetricsRenderer.render(model, 0);
        ExpositionFamilies f = ExpositionFamilies.parse(text);
        assertThat(text).doesNotContain("{model").doesNotContain("_total ").doesNotContain("# HELP");
        assertThat(f.samples.get("tgi_queue_size")).isEqualTo((double) model.waitingCount());
        assertThat(f.samples.get("tgi_batch_current_size")).isEqualTo((double) model.runningCount());
        assertThat(f.samples.get("tgi_batch_max_total_tokens")).isEqualTo((double) model.config().kvCapacityTokens());
        assertThat(f.samples.get("tgi_batch_current_max_tokens"))
                .isEqualTo((double) Math.round(model.kvCacheUsage() * model.config().kvCapacityTokens()));
        assertThat(f.families.get("tgi_request_success").type()).isEqualTo("counter");
        assertThat(f.families.get("tgi_request_duration").type()).isEqualTo("histogram");
        assertThat(f.families).doesNotContainKey("tgi_request_first_token_duration");
    }

    @Test
    void theServerSpeaksTheChosenFormatAndVllmByDefault() throws Exception {
        assertThat(ServerOptions.defaults().format()).isEqualTo(MetricsFormat.VLLM);
        HttpClient http = HttpClient.newHttpClient();
        for (MetricsFormat format : MetricsFormat.values()) {
            try (EngineServer server = EngineServer.start(EngineConfig.demo(),
                    ServerOptions.defaults().withFormat(format))) {
                URI metrics = server.baseUri().resolve("/metrics");
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(5))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
                String expected = switch (format) {
                    case VLLM -> "vllm:num_requests_running{";
                    case SGLANG -> "sglang:num_running_reqs{";
                    case TGI -> "\ntgi_batch_current_size 0.0\n";
                };
                assertThat(r.body()).as(format.name()).contains(expected);
            }
        }
    }
}
