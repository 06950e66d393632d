package dev.headroom.simulator;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class VllmMetricsRendererTest {

    private static final String FIXTURE = "/fixtures/vllm-v1-0.10-ascend-qwen2.5-0.5b-pymotor-d87b6eb.prom";

    /** Same max_model_len (32,768) as the engine that produced the fixture, so token-size buckets match too. */
    private static EngineConfig likeFixture() {
        return new EngineConfig("Qwen/Qwen2.5-0.5B-Instruct", 16, 4096, 64, 2048, 32_768, 0.01, 1e-5, 1e-7, 0.9,
                80_000_000_000L);
    }

    private static ExpositionFamilies fixture() throws IOException {
        try (InputStream in = VllmMetricsRendererTest.class.getResourceAsStream(FIXTURE)) {
            assertThat(in).as(FIXTURE).isNotNull();
            return ExpositionFamilies.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    private static EngineModel busyModel() {
        List<SimRequest> requests = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            requests.add(new SimRequest(i, i * 0.05, 50 + 40 * i, 10 + 7 * i));
        }
        EngineModel model = new EngineModel(likeFixture());
        double now = 0;
        int next = 0;
        for (int i = 0; i < 150; i++) {
            while (next < requests.size() && requests.get(next).arrivalSeconds() <= now) {
                model.submit(requests.get(next++));
            }
            now += Math.max(model.step(now), 0.01);
        }
        return model;
    }

    @Test
    void everyRenderedFamilyMatchesRealVllmV1NamesTypesLabelsAndBuckets() throws IOException {
        ExpositionFamilies real = fixture();
        ExpositionFamilies ours = ExpositionFamilies.parse(VllmMetricsRenderer.render(busyModel(), 0));

        assertThat(ours.families).containsKeys(
                "vllm:num_requests_running", "vllm:num_requests_waiting", "vllm:kv_cache_usage_perc",
                "vllm:cache_config_info", "vllm:prompt_tokens_total", "vllm:generation_tokens_total",
                "vllm:num_preemptions_total", "vllm:request_success_total", "vllm:time_to_first_token_seconds",
                "vllm:inter_token_latency_seconds", "vllm:e2e_request_latency_seconds",
                "vllm:request_queue_time_seconds");
        for (ExpositionFamilies.Family mine : ours.families.values()) {
            // 0.10.2 renamed time_per_output_token_seconds to inter_token_latency_seconds, same buckets.
            String realName = mine.name().equals("vllm:inter_token_latency_seconds")
                    ? "vllm:time_per_output_token_seconds" : mine.name();
            ExpositionFamilies.Family theirs = real.families.get(realName);
            assertThat(theirs).as("family %s exists in the real vLLM scrape", realName).isNotNull();
            assertThat(mine.type()).as("type of %s", mine.name()).isEqualTo(theirs.type());
            assertThat(mine.labelNames()).as("label names of %s", mine.name()).isEqualTo(theirs.labelNames());
            assertThat(mine.bucketBounds()).as("buckets of %s", mine.name()).isEqualTo(theirs.bucketBounds());
        }
    }

    @Test
    void histogramBucketsAreCumulativeAndEndInTheCount() {
        EngineModel model = busyModel();
        String text = VllmMetricsRenderer.render(model, 0);
        ExpositionFamilies ours = ExpositionFamilies.parse(text);
        String labels = "{engine=\"0\",le=\"+Inf\",model_name=\"Qwen/Qwen2.5-0.5B-Instruct\"}";
        String plain = "{engine=\"0\",model_name=\"Qwen/Qwen2.5-0.5B-Instruct\"}";
        for (ExpositionFamilies.Family f : ours.families.values()) {
            if (!f.type().equals("histogram")) {
                continue;
            }
            double previous = 0;
            for (String le : f.bucketBounds()) {
                double c = ours.samples.get(f.name() + "_bucket" + labels.replace("+Inf", le));
                assertThat(c).as("%s le=%s", f.name(), le).isGreaterThanOrEqualTo(previous);
                previous = c;
            }
            assertThat(ours.samples.get(f.name() + "_bucket" + labels))
                    .isEqualTo(ours.samples.get(f.name() + "_count" + plain));
        }
        assertThat(ours.samples.get("vllm:e2e_request_latency_seconds_count" + plain))
                .isEqualTo((double) model.metrics().finishedLength()).isPositive();
        assertThat(ours.samples.get("vllm:generation_tokens_total" + plain))
                .isEqualTo((double) model.metrics().generationTokens());
        assertThat(ours.samples.get("vllm:kv_cache_usage_perc" + plain)).isEqualTo(model.kvCacheUsage());
    }

    @Test
    void countersNeverDecreaseAsTheEngineRuns() {
        EngineModel model = new EngineModel(likeFixture());
        for (int i = 0; i < 20; i++) {
            model.submit(new SimRequest(i, 0, 100 + 50 * i, 20 + 3 * i));
        }
        Map<String, Double> before = ExpositionFamilies.parse(VllmMetricsRenderer.render(model, 0)).samples;
        double now = 0;
        boolean anyIncrease = false;
        for (int round = 0; round < 10; round++) {
            for (int i = 0; i < 15; i++) {
                now += model.step(now);
            }
            Map<String, Double> after = ExpositionFamilies.parse(VllmMetricsRenderer.render(model, 0)).samples;
            for (Map.Entry<String, Double> e : after.entrySet()) {
                String key = e.getKey();
                if (key.contains("_total") || key.contains("_bucket") || key.contains("_count")
                        || key.contains("_sum")) {
                    assertThat(e.getValue()).as(key).isGreaterThanOrEqualTo(before.get(key));
                    anyIncrease |= e.getValue() > before.get(key);
                }
            }
            before = after;
        }
        assertThat(anyIncrease).isTrue();
    }

    @Test
    void cacheConfigInfoCarriesTheKvGeometry() {
        String text = VllmMetricsRenderer.render(new EngineModel(EngineConfig.demo()), 3);
        assertThat(text).contains("vllm:cache_config_info{block_size=\"16\",")
                .contains("engine=\"3\",gpu_memory_utilization=\"0.9\",")
                .contains("num_gpu_blocks=\"256\",")
                .contains("vllm:num_requests_running{engine=\"3\",model_name=\"headroom/demo-8b-small-kv\"} 0.0\n");
        assertThat(VllmMetricsRenderer.CONTENT_TYPE).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
    }

    @Test
    void valuesUsePrometheusNumberSyntax() {
        StringBuilder sb = new StringBuilder();
        VllmMetricsRenderer.appendValue(sb, 39);
        sb.append(' ');
        VllmMetricsRenderer.appendValue(sb, 1.3798051715085968e-05);
        sb.append(' ');
        VllmMetricsRenderer.appendValue(sb, Double.POSITIVE_INFINITY);
        sb.append(' ');
        VllmMetricsRenderer.appendValue(sb, 0.025);
        assertThat(sb).hasToString("39.0 1.3798051715085968e-5 +Inf 0.025");
    }
}
