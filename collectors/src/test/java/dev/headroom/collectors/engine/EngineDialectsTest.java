package dev.headroom.collectors.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.collectors.Fixtures;
import dev.headroom.collectors.exposition.Exposition;
import dev.headroom.collectors.exposition.ExpositionFormat;
import dev.headroom.collectors.exposition.ExpositionParser;
import dev.headroom.collectors.exposition.FamilyFilter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * Every engine fixture through detection and its dialect, with the numbers read by hand from the files. SGLang ≥ 0.5,
 * trtllm-serve and LMDeploy have no public payload to copy: their payloads here are written from the engines' source
 * (metric names, types and labels as {@code SIGNALS.md} records them) and say so.
 */
class EngineDialectsTest {

    private static final Instant AT = Instant.parse("2025-06-01T12:00:00Z");
    private final DialectRegistry registry = DialectRegistry.standard();
    private final ExpositionParser parser = new ExpositionParser();

    private Exposition parse(byte[] body) throws Exception {
        return parser.parse(body, ExpositionFormat.PROMETHEUS_TEXT, registry.anyDialectFamilies());
    }

    /** Detects, checks the dialect, reads. */
    private EngineSample read(byte[] body, String expectedDialect) throws Exception {
        Exposition e = parse(body);
        EngineDialect d = registry.detect(e).orElseThrow(() -> new AssertionError("nothing recognised the payload"));
        assertThat(d.name()).isEqualTo(expectedDialect);
        EngineSample s = d.read(e, AT).sample();
        assertThat(s.scrapedAt()).isEqualTo(AT);
        return s;
    }

    private EngineSample read(String fixture, String expectedDialect) throws Exception {
        return read(Fixtures.engine(fixture), expectedDialect);
    }

    private EngineSample readText(String text, String expectedDialect) throws Exception {
        return read(text.getBytes(StandardCharsets.UTF_8), expectedDialect);
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource({
            "vllm-v0.4-datadog-e99474c.prom, vllm, vllm-v0",
            "vllm-v1-0.10-ascend-qwen2.5-0.5b-pymotor-d87b6eb.prom, vllm, vllm-v1",
            "vllm-mixed-v0v1-datadog-5b8d70d.prom, vllm, vllm-v1",
            "nim-llm-datadog-8b7db5d.prom, vllm, vllm-nim",
            "sglang-v0.4-docs-production_metrics-00b08c4.prom, sglang, sglang",
            "tgi-datadog-9e390cd.prom, tgi, tgi",
            "triton-2.x-densenet-datadog-f6e5f92.prom, triton, triton",
            "triton-core-counters-tensorrtllm_backend-README.prom, triton, triton",
            "triton-summary-server-docs-e1db8a6.prom, triton, triton",
            "trtllm-triton-ifb-tensorrtllm_backend-README.prom, triton, triton-trtllm",
            "trtllm-triton-v1-tensorrtllm_backend-README.prom, triton, triton-trtllm",
            "llamacpp-b11669-busy.prom, llamacpp, llamacpp",
            "llamacpp-b11669-idle.prom, llamacpp, llamacpp",
    })
    void detectionPicksTheEnginesDialect(String fixture, String dialect, String identity) throws Exception {
        assertThat(read(fixture, dialect).engine().dialect()).isEqualTo(identity);
    }

    @Test
    void gpuExporterPayloadIsNoEngineAndTheMessageSaysHowToMapOne() throws Exception {
        Exposition e = parse(Fixtures.engine("dcgm-exporter-datadog-2931c10.prom"));
        assertThat(registry.detect(e)).isEmpty();
        String message = registry.unrecognisedMessage(e.seenFamilyNames(), 3);
        assertThat(message)
                .startsWith("no dialect (vllm, sglang, tgi, triton, trtllm-serve, llamacpp, lmdeploy) recognised these ")
                .contains("DCGM_FI_DEV_")
                .contains(" more; to read another engine, configure the generic dialect: SIGNAL.metric=FAMILY");
    }

    @Test
    void sglang04DocsPayload() throws Exception {
        EngineSample s = read("sglang-v0.4-docs-production_metrics-00b08c4.prom", "sglang");
        assertThat(s.engine()).isEqualTo(new EngineIdentity("sglang", "meta-llama/Llama-3.1-8B-Instruct", null));
        assertThat(s.gauges()).containsExactlyInAnyOrderEntriesOf(Map.of(
                GaugeSignal.QUEUE, 2826.0, GaugeSignal.RUNNING, 162.0, GaugeSignal.KV_UTILIZATION, 0.28));
        assertThat(s.counters()).containsExactlyInAnyOrderEntriesOf(Map.of(
                CounterSignal.PROMPT_TOKENS, 8.128902e+06, CounterSignal.GENERATION_TOKENS, 7.557572e+06));
        Histogram ttft = s.latency(LatencySignal.TTFT).orElseThrow(); // _sum before the buckets (multiprocess mode)
        assertThat(ttft.count()).isEqualTo(11008.0);
        assertThat(ttft.sum()).isEqualTo(2.3518979474117756e+06);
        assertThat(ttft.bucketCount()).isEqualTo(21);
        assertThat(ttft.upperBound(11)).isEqualTo(1.0);
        assertThat(ttft.cumulativeCount(11)).isEqualTo(27.0);
        Histogram itl = s.latency(LatencySignal.ITL).orElseThrow(); // ≤0.4 name: time_per_output_token_seconds
        assertThat(itl.count()).isEqualTo(7.400757e+06);
        assertThat(itl.sum()).isEqualTo(866964.5791549598);
        assertThat(s.latency(LatencySignal.E2E).orElseThrow().count()).isEqualTo(11228.0);
        assertThat(s.latency(LatencySignal.QUEUE_TIME)).isEmpty();
        assertThat(s.counter(CounterSignal.PREEMPTIONS)).isEmpty();
    }

    /**
     * SGLang ≥ 0.5, written from {@code srt/metrics/collector.py}: new ITL name, {@code tp_rank}/{@code dp_rank}
     * labels. Two data-parallel ranks of two tensor-parallel ranks each: gauges are read from one tp rank and summed
     * over dp ranks; the retraction gauge (a per-publish delta) is not a counter and is not read as one.
     */
    @Test
    void sglangRanksAreSummedOverDataParallelNeverOverTensorParallel() throws Exception {
        String labels = "model_name=\"qwen\",engine_type=\"unified\"";
        StringBuilder p = new StringBuilder();
        p.append("# TYPE sglang:num_running_reqs gauge\n");
        for (int dp = 0; dp < 2; dp++) {
            for (int tp = 1; tp >= 0; tp--) {
                p.append("sglang:num_running_reqs{").append(labels).append(",tp_rank=\"").append(tp)
                        .append("\",dp_rank=\"").append(dp).append("\"} ").append(10 + dp).append('\n');
            }
        }
        p.append("# TYPE sglang:num_queue_reqs gauge\n");
        p.append("sglang:num_queue_reqs{").append(labels).append(",tp_rank=\"0\",dp_rank=\"0\"} 3\n");
        p.append("sglang:num_queue_reqs{").append(labels).append(",tp_rank=\"1\",dp_rank=\"0\"} 3\n");
        p.append("sglang:num_queue_reqs{").append(labels).append(",tp_rank=\"0\",dp_rank=\"1\"} 4\n");
        p.append("sglang:num_queue_reqs{").append(labels).append(",tp_rank=\"1\",dp_rank=\"1\"} 4\n");
        p.append("# TYPE sglang:token_usage gauge\n");
        p.append("sglang:token_usage{").append(labels).append(",tp_rank=\"0\",dp_rank=\"0\"} 0.5\n");
        p.append("sglang:token_usage{").append(labels).append(",tp_rank=\"1\",dp_rank=\"0\"} 0.5\n");
        p.append("sglang:token_usage{").append(labels).append(",tp_rank=\"0\",dp_rank=\"1\"} 0.7\n");
        p.append("sglang:token_usage{").append(labels).append(",tp_rank=\"1\",dp_rank=\"1\"} 0.7\n");
        p.append("# TYPE sglang:max_total_num_tokens gauge\n");
        p.append("sglang:max_total_num_tokens{").append(labels).append(",tp_rank=\"0\",dp_rank=\"0\"} 100000\n");
        p.append("sglang:max_total_num_tokens{").append(labels).append(",tp_rank=\"0\",dp_rank=\"1\"} 100000\n");
        p.append("# TYPE sglang:num_retracted_reqs gauge\n");
        p.append("sglang:num_retracted_reqs{").append(labels).append(",tp_rank=\"0\",dp_rank=\"0\"} 5\n");
        p.append("# TYPE sglang:prompt_tokens_total counter\n");
        p.append("sglang:prompt_tokens_total{model_name=\"qwen\"} 1500\n");
        p.append("# TYPE sglang:inter_token_latency_seconds histogram\n");
        p.append("sglang:inter_token_latency_seconds_bucket{model_name=\"qwen\",le=\"0.01\"} 4\n");
        p.append("sglang:inter_token_latency_seconds_bucket{model_name=\"qwen\",le=\"+Inf\"} 6\n");
        p.append("sglang:inter_token_latency_seconds_sum{model_name=\"qwen\"} 0.09\n");
        p.append("sglang:inter_token_latency_seconds_count{model_name=\"qwen\"} 6\n");
        p.append("# TYPE sglang:time_per_output_token_seconds histogram\n");
        p.append("sglang:time_per_output_token_seconds_bucket{model_name=\"qwen\",le=\"+Inf\"} 99\n");
        p.append("sglang:time_per_output_token_seconds_count{model_name=\"qwen\"} 99\n");
        EngineSample s = readText(p.toString(), "sglang");
        assertThat(s.engine().model()).isEqualTo("qwen");
        assertThat(s.gauge(GaugeSignal.RUNNING)).hasValue(21.0); // 10 + 11, not 42
        assertThat(s.gauge(GaugeSignal.QUEUE)).hasValue(7.0);
        assertThat(s.gauge(GaugeSignal.KV_UTILIZATION).getAsDouble()).isCloseTo(0.6, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(s.gauge(GaugeSignal.KV_CAPACITY_TOKENS)).hasValue(200_000.0);
        assertThat(s.counter(CounterSignal.PROMPT_TOKENS)).hasValue(1500.0);
        assertThat(s.counter(CounterSignal.PREEMPTIONS)).isEmpty();
        assertThat(s.latency(LatencySignal.ITL).orElseThrow().count()).isEqualTo(6.0); // the new name wins
    }

    @Test
    void sglangRetractionCounterIsThePreemptionSignalWhereTheEngineHasIt() throws Exception {
        EngineSample s = readText("""
                # TYPE sglang:num_running_reqs gauge
                sglang:num_running_reqs{model_name="m",tp_rank="0"} 1
                # TYPE sglang:num_retracted_requests_total counter
                sglang:num_retracted_requests_total{model_name="m",tp_rank="0"} 12
                # TYPE sglang:num_requests_total counter
                sglang:num_requests_total{model_name="m"} 40
                """, "sglang");
        assertThat(s.counter(CounterSignal.PREEMPTIONS)).hasValue(12.0);
        assertThat(s.counter(CounterSignal.REQUESTS_FINISHED)).hasValue(40.0);
    }

    @Test
    void tgiDatadogPayload() throws Exception {
        EngineSample s = read(Fixtures.TGI, "tgi");
        assertThat(s.engine()).isEqualTo(new EngineIdentity("tgi", null, null));
        // no tgi_batch_max_total_tokens in this capture: KV is unknown, not zero
        assertThat(s.gauges()).containsExactlyInAnyOrderEntriesOf(Map.of(GaugeSignal.QUEUE, 0.0,
                GaugeSignal.RUNNING, 0.0));
        assertThat(s.counters()).containsExactlyInAnyOrderEntriesOf(Map.of(CounterSignal.PROMPT_TOKENS, 662.0,
                CounterSignal.GENERATION_TOKENS, 3423.0, CounterSignal.REQUESTS_FINISHED, 109.0));
        Histogram e2e = s.latency(LatencySignal.E2E).orElseThrow();
        assertThat(e2e.count()).isEqualTo(109.0);
        assertThat(e2e.sum()).isEqualTo(541.2140316159999);
        assertThat(e2e.bucketCount()).isEqualTo(36);
        assertThat(e2e.upperBound(19)).isEqualTo(0.33252567300796504);
        assertThat(e2e.cumulativeCount(19)).isEqualTo(0.0);
        assertThat(e2e.cumulativeCount(35)).isEqualTo(109.0);
        assertThat(s.latency(LatencySignal.QUEUE_TIME).orElseThrow().sum()).isEqualTo(295.275961956);
        assertThat(s.latency(LatencySignal.ITL).orElseThrow().sum()).isEqualTo(8.643160945);
        assertThat(s.latency(LatencySignal.TTFT)).isEmpty();
    }

    /** TGI without configured buckets serves summaries; with a token budget, the KV proxy is known. */
    @Test
    void tgiSummariesAndTheKvProxy() throws Exception {
        EngineSample s = readText("""
                # TYPE tgi_queue_size gauge
                tgi_queue_size 3
                # TYPE tgi_batch_current_size gauge
                tgi_batch_current_size 8
                # TYPE tgi_batch_current_max_tokens gauge
                tgi_batch_current_max_tokens 12000
                # TYPE tgi_batch_max_total_tokens gauge
                tgi_batch_max_total_tokens 16000
                # TYPE tgi_request_success counter
                tgi_request_success 7
                # TYPE tgi_request_duration summary
                tgi_request_duration{quantile="0.5"} 1.5
                tgi_request_duration{quantile="0.99"} 4
                tgi_request_duration_sum 14
                tgi_request_duration_count 7
                # TYPE tgi_request_input_length summary
                tgi_request_input_length{quantile="0.5"} 100
                tgi_request_input_length_sum 800
                tgi_request_input_length_count 7
                """, "tgi");
        assertThat(s.gauges()).containsExactlyInAnyOrderEntriesOf(Map.of(GaugeSignal.QUEUE, 3.0,
                GaugeSignal.RUNNING, 8.0, GaugeSignal.KV_UTILIZATION, 0.75, GaugeSignal.KV_CAPACITY_TOKENS, 16000.0));
        assertThat(s.counters()).containsExactlyInAnyOrderEntriesOf(Map.of(CounterSignal.PROMPT_TOKENS, 800.0,
                CounterSignal.REQUESTS_FINISHED, 7.0));
        assertThat(s.latency(LatencySignal.E2E)).hasValue(new Histogram(new double[] {Double.POSITIVE_INFINITY},
                new double[] {7}, 7, 14));
    }

    @Test
    void tritonTensorRtLlmInflightBatcher() throws Exception {
        EngineSample s = read("trtllm-triton-ifb-tensorrtllm_backend-README.prom", "triton");
        assertThat(s.engine()).isEqualTo(new EngineIdentity("triton-trtllm", "tensorrt_llm", null));
        assertThat(s.gauges()).containsExactlyInAnyOrderEntriesOf(Map.of(GaugeSignal.QUEUE, 1.0,
                GaugeSignal.RUNNING, 0.0, GaugeSignal.KV_UTILIZATION, 0.4875,
                GaugeSignal.KV_CAPACITY_TOKENS, 6239.0 * 64));
        assertThat(s.counters()).isEmpty(); // the backend's token gauges are per iteration, not totals
        assertThat(s.latencies()).isEmpty();
    }

    @Test
    void tritonTensorRtLlmStaticBatchingShowsOnlyTheModel() throws Exception {
        EngineSample s = read("trtllm-triton-v1-tensorrtllm_backend-README.prom", "triton");
        assertThat(s.engine()).isEqualTo(new EngineIdentity("triton-trtllm", "tensorrt_llm", null));
        assertThat(s.gauges()).isEmpty();
        assertThat(s.counters()).isEmpty();
    }

    @Test
    void tritonCoreCountersEndingInCountAreNotHistograms() throws Exception {
        EngineSample s = read("triton-core-counters-tensorrtllm_backend-README.prom", "triton");
        assertThat(s.engine()).isEqualTo(new EngineIdentity("triton", "tensorrt_llm", null));
        assertThat(s.gauges()).containsExactlyInAnyOrderEntriesOf(Map.of(GaugeSignal.QUEUE, 0.0));
        assertThat(s.counters()).containsExactlyInAnyOrderEntriesOf(Map.of(CounterSignal.REQUESTS_FINISHED, 0.0));
        Histogram zero = new Histogram(new double[] {Double.POSITIVE_INFINITY}, new double[] {0}, 0, 0);
        assertThat(s.latency(LatencySignal.E2E)).hasValue(zero);
        assertThat(s.latency(LatencySignal.QUEUE_TIME)).hasValue(zero);
    }

    @Test
    void tritonSummaryInMicrosecondsIsConvertedToSeconds() throws Exception {
        EngineSample s = read("triton-summary-server-docs-e1db8a6.prom", "triton");
        assertThat(s.engine()).isEqualTo(new EngineIdentity("triton", "my_model", null));
        assertThat(s.latency(LatencySignal.QUEUE_TIME)).hasValue(new Histogram(
                new double[] {Double.POSITIVE_INFINITY}, new double[] {161}, 161, 11110 * 1e-6));
        assertThat(s.gauges()).isEmpty();
    }

    @Test
    void tritonDensenetServerSumsItsModels() throws Exception {
        EngineSample s = read("triton-2.x-densenet-datadog-f6e5f92.prom", "triton");
        assertThat(s.engine()).isEqualTo(new EngineIdentity("triton", "8 models", null));
        assertThat(s.gauges()).containsExactlyInAnyOrderEntriesOf(Map.of(GaugeSignal.QUEUE, 0.0));
        assertThat(s.counters()).containsExactlyInAnyOrderEntriesOf(Map.of(CounterSignal.REQUESTS_FINISHED, 3.0));
        assertThat(s.latency(LatencySignal.E2E)).hasValue(new Histogram(new double[] {Double.POSITIVE_INFINITY},
                new double[] {3}, 3, 1327965 * 1e-6));
        assertThat(s.latency(LatencySignal.QUEUE_TIME)).hasValue(new Histogram(
                new double[] {Double.POSITIVE_INFINITY}, new double[] {3}, 3, 145 * 1e-6));
    }

    @Test
    void tritonFirstResponseHistogramInMillisecondsIsConvertedToSeconds() throws Exception {
        EngineSample s = readText("""
                # TYPE nv_inference_first_response_histogram_ms histogram
                nv_inference_first_response_histogram_ms_bucket{model="m",version="1",le="100"} 2
                nv_inference_first_response_histogram_ms_bucket{model="m",version="1",le="500"} 5
                nv_inference_first_response_histogram_ms_bucket{model="m",version="1",le="+Inf"} 6
                nv_inference_first_response_histogram_ms_sum{model="m",version="1"} 1800
                nv_inference_first_response_histogram_ms_count{model="m",version="1"} 6
                """, "triton");
        assertThat(s.latency(LatencySignal.TTFT)).hasValue(new Histogram(
                new double[] {0.1, 0.5, Double.POSITIVE_INFINITY}, new double[] {2, 5, 6}, 6, 1.8));
    }

    @Test
    void llamaCppBusyCapture() throws Exception {
        EngineSample s = read("llamacpp-b11669-busy.prom", "llamacpp");
        assertThat(s.engine()).isEqualTo(new EngineIdentity("llamacpp", null, null));
        // no kv_cache_usage_ratio since May 2025: KV comes from /slots, unknown from /metrics alone
        assertThat(s.gauges()).containsExactlyInAnyOrderEntriesOf(Map.of(GaugeSignal.QUEUE, 2.0,
                GaugeSignal.RUNNING, 2.0));
        assertThat(s.counters()).containsExactlyInAnyOrderEntriesOf(Map.of(CounterSignal.PROMPT_TOKENS, 44.0,
                CounterSignal.GENERATION_TOKENS, 1200.0));
        assertThat(s.latencies()).isEmpty();
    }

    @Test
    void llamaCppIdleCapture() throws Exception {
        EngineSample s = read("llamacpp-b11669-idle.prom", "llamacpp");
        assertThat(s.gauges()).containsExactlyInAnyOrderEntriesOf(Map.of(GaugeSignal.QUEUE, 0.0,
                GaugeSignal.RUNNING, 0.0));
        assertThat(s.counters()).containsExactlyInAnyOrderEntriesOf(Map.of(CounterSignal.PROMPT_TOKENS, 37.0,
                CounterSignal.GENERATION_TOKENS, 120.0));
    }

    @Test
    void llamaCppOlderServerWithKvRatioAndSixDigitValues() throws Exception {
        EngineSample s = readText("""
                # TYPE llamacpp:requests_processing gauge
                llamacpp:requests_processing 4
                # TYPE llamacpp:requests_deferred gauge
                llamacpp:requests_deferred 1
                # TYPE llamacpp:kv_cache_usage_ratio gauge
                llamacpp:kv_cache_usage_ratio 0.421875
                # TYPE llamacpp:tokens_predicted_total counter
                llamacpp:tokens_predicted_total 1.23457e+06
                # TYPE llamacpp:predicted_tokens_seconds gauge
                llamacpp:predicted_tokens_seconds 57.2
                """, "llamacpp");
        assertThat(s.gauges()).containsExactlyInAnyOrderEntriesOf(Map.of(GaugeSignal.QUEUE, 1.0,
                GaugeSignal.RUNNING, 4.0, GaugeSignal.KV_UTILIZATION, 0.421875));
        assertThat(s.counters()).containsExactlyInAnyOrderEntriesOf(Map.of(CounterSignal.GENERATION_TOKENS,
                1.23457e+06));
    }

    /** trtllm-serve, written from {@code tensorrt_llm/metrics/collector.py}: no public payload exists to copy. */
    @Test
    void trtllmServe() throws Exception {
        EngineSample s = readText("""
                # TYPE trtllm_num_requests_waiting gauge
                trtllm_num_requests_waiting{model_name="llama",engine_type="trtllm"} 6
                # TYPE trtllm_num_requests_running gauge
                trtllm_num_requests_running{model_name="llama",engine_type="trtllm"} 32
                # TYPE trtllm_kv_cache_utilization gauge
                trtllm_kv_cache_utilization{model_name="llama",engine_type="trtllm"} 0.83
                # TYPE trtllm_prompt_tokens_total counter
                trtllm_prompt_tokens_total{model_name="llama",engine_type="trtllm"} 51200
                # TYPE trtllm_generation_tokens_total counter
                trtllm_generation_tokens_total{model_name="llama",engine_type="trtllm"} 20480
                # TYPE trtllm_time_to_first_token_seconds histogram
                trtllm_time_to_first_token_seconds_bucket{model_name="llama",engine_type="trtllm",le="0.1"} 10
                trtllm_time_to_first_token_seconds_bucket{model_name="llama",engine_type="trtllm",le="+Inf"} 12
                trtllm_time_to_first_token_seconds_sum{model_name="llama",engine_type="trtllm"} 0.9
                trtllm_time_to_first_token_seconds_count{model_name="llama",engine_type="trtllm"} 12
                # TYPE trtllm_request_queue_time_seconds histogram
                trtllm_request_queue_time_seconds_bucket{model_name="llama",engine_type="trtllm",le="+Inf"} 12
                trtllm_request_queue_time_seconds_sum{model_name="llama",engine_type="trtllm"} 0.3
                trtllm_request_queue_time_seconds_count{model_name="llama",engine_type="trtllm"} 12
                """, "trtllm-serve");
        assertThat(s.engine()).isEqualTo(new EngineIdentity("trtllm-serve", "llama", null));
        assertThat(s.gauges()).containsExactlyInAnyOrderEntriesOf(Map.of(GaugeSignal.QUEUE, 6.0,
                GaugeSignal.RUNNING, 32.0, GaugeSignal.KV_UTILIZATION, 0.83));
        assertThat(s.counters()).containsExactlyInAnyOrderEntriesOf(Map.of(CounterSignal.PROMPT_TOKENS, 51200.0,
                CounterSignal.GENERATION_TOKENS, 20480.0));
        assertThat(s.latency(LatencySignal.TTFT)).hasValue(new Histogram(
                new double[] {0.1, Double.POSITIVE_INFINITY}, new double[] {10, 12}, 12, 0.9));
        assertThat(s.latency(LatencySignal.QUEUE_TIME).orElseThrow().sum()).isEqualTo(0.3);
        assertThat(s.latency(LatencySignal.E2E)).isEmpty();
    }

    /** LMDeploy, written from {@code lmdeploy/metrics}: vLLM V0 names under {@code lmdeploy:}; no public payload. */
    @Test
    void lmdeploy() throws Exception {
        EngineSample s = readText("""
                # TYPE lmdeploy:num_requests_waiting gauge
                lmdeploy:num_requests_waiting{model_name="internlm"} 2
                # TYPE lmdeploy:num_requests_running gauge
                lmdeploy:num_requests_running{model_name="internlm"} 9
                # TYPE lmdeploy:gpu_cache_usage_perc gauge
                lmdeploy:gpu_cache_usage_perc{model_name="internlm"} 0.375
                # TYPE lmdeploy:generation_tokens_total counter
                lmdeploy:generation_tokens_total{model_name="internlm"} 777
                # TYPE lmdeploy:iter_token_latency histogram
                lmdeploy:iter_token_latency_bucket{model_name="internlm",le="0.05"} 90
                lmdeploy:iter_token_latency_bucket{model_name="internlm",le="+Inf"} 100
                lmdeploy:iter_token_latency_sum{model_name="internlm"} 3.5
                lmdeploy:iter_token_latency_count{model_name="internlm"} 100
                """, "lmdeploy");
        assertThat(s.engine()).isEqualTo(new EngineIdentity("lmdeploy", "internlm", null));
        assertThat(s.gauges()).containsExactlyInAnyOrderEntriesOf(Map.of(GaugeSignal.QUEUE, 2.0,
                GaugeSignal.RUNNING, 9.0, GaugeSignal.KV_UTILIZATION, 0.375));
        assertThat(s.counters()).containsExactlyInAnyOrderEntriesOf(Map.of(CounterSignal.GENERATION_TOKENS, 777.0));
        assertThat(s.latency(LatencySignal.ITL)).hasValue(new Histogram(
                new double[] {0.05, Double.POSITIVE_INFINITY}, new double[] {90, 100}, 100, 3.5));
    }

    @Test
    void eachDialectReadsOnlyItsOwnFamilies() {
        for (EngineDialect d : registry.dialects()) {
            FamilyFilter f = d.families();
            assertThat(f.wants("DCGM_FI_DEV_GPU_UTIL")).as(d.name()).isFalse();
        }
        assertThat(new LlamaCppDialect().families().wants("llamacpp:predicted_tokens_seconds")).isFalse();
        assertThat(new LlamaCppDialect().families().wants("llamacpp:prompt_tokens_seconds")).isFalse();
    }
}
